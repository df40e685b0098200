"""`manage.py check_time_ranges` reports stored rows outside the accepted window (issue 11, 2)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from customers.models import Event
from tests.customers.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_rows_written_before_the_window_was_enforced_are_reported(tenant):
    # given an event whose time was stored out of range behind the API's back
    event = EventFactory(tenant=tenant)
    EventFactory(tenant=tenant)
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET occurred_at = %s WHERE id = %s",
            [
                "1850-06-01 00:00:00+00:00"
                if connection.vendor == "postgresql"
                else "1850-06-01 00:00:00",
                event.pk,
            ],
        )
    out = io.StringIO()
    # when
    call_command("check_time_ranges", stdout=out)
    # then
    assert f"customers_event.occurred_at: 1 rows, e.g. ids [{event.pk}]" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("check_time_ranges", "--fail", stdout=io.StringIO())


def test_a_clean_database_reports_nothing(tenant):
    EventFactory(tenant=tenant)
    out = io.StringIO()
    call_command("check_time_ranges", "--fail", stdout=out)
    assert "Every stored date and time lies between 1900-01-01" in out.getvalue()
