"""`field__any_of=values`: the same rows as `__in`, one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

AWKWARD = ["plain", 'with "quotes"', "a,b", "{braces}", "back\\slash", "NULL", "ünï", " "]


def test_any_of_finds_what_in_finds_even_for_awkward_text(tenant):
    # given
    customers = [CustomerFactory(tenant=tenant, external_id=ext) for ext in AWKWARD]
    CustomerFactory(tenant=tenant, external_id="not-asked")
    wanted = {*AWKWARD, "missing", None}
    # when
    by_any = set(
        Customer.all_tenants.filter(external_id__any_of=wanted).values_list("pk", flat=True)
    )
    by_in = set(Customer.all_tenants.filter(external_id__in=wanted).values_list("pk", flat=True))
    by_pk = set(
        Customer.all_tenants.filter(pk__any_of=[c.pk for c in customers]).values_list(
            "pk", flat=True
        )
    )
    # then
    assert by_any == by_in == by_pk == {c.pk for c in customers}


def test_any_of_is_one_parameter_on_postgresql_and_nothing_for_no_values(tenant):
    # given
    CustomerFactory(tenant=tenant, external_id="x")
    values = [f"v{i}" for i in range(500)]
    # when
    with CaptureQueriesContext(connection) as queries:
        found = list(Customer.all_tenants.filter(external_id__any_of=values))
        nothing = list(Customer.all_tenants.filter(external_id__any_of=[]))
    # then
    assert found == [] and nothing == []
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
