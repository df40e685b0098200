"""A range of periods: one statement stores each snapshot, the thresholds are read once, each
period's snapshot is the next one's previous, and the outcome is that of period by period."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.demo_data import seed_tenant
from flywheel.core.tenancy import tenant_scope
from metrics.models import KpiAlert, KpiSnapshot
from metrics.periods import periods_between
from metrics.services.alerts import thresholds_ensure_defaults
from metrics.services.jobs import recompute_range
from metrics.services.snapshots import snapshot_compute
from tests.accounts.factories import TenantFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 1, tzinfo=UTC)
SINCE, UNTIL = date(2026, 1, 1), date(2026, 10, 31)


def _seeded(slug):
    tenant = TenantFactory(slug=slug)
    seed_tenant(tenant=tenant, customers=80, days=330, seed=5, now=NOW)
    with tenant_scope(tenant):
        thresholds_ensure_defaults(tenant=tenant)
    return tenant


def _outcome(tenant):
    with tenant_scope(tenant):
        snapshots = [
            (s.period_start, s.values, s.inputs, s.channel_inputs)
            for s in KpiSnapshot.objects.order_by("period_start")
        ]
        alerts = list(
            KpiAlert.objects.order_by("period_start", "kpi").values_list(
                "kpi", "period_start", "previous_value", "value", "change", "mode"
            )
        )
    return snapshots, alerts


def test_a_range_gives_what_period_by_period_gives():
    by_range, one_by_one = _seeded("by-range"), _seeded("one-by-one")
    with tenant_scope(by_range):
        recompute_range(tenant=by_range, granularity="month", since=SINCE, until=UNTIL)
    with tenant_scope(one_by_one):
        for period in periods_between("month", SINCE, UNTIL, one_by_one.timezone):
            snapshot_compute(tenant=one_by_one, granularity="month", day=period.start)
    snapshots, alerts = _outcome(by_range)
    assert len(snapshots) == 10 and alerts  # the comparison covers alerts too
    assert (snapshots, alerts) == _outcome(one_by_one)


def test_a_range_reads_thresholds_once_and_stores_each_period_in_one_statement():
    tenant = _seeded("counted")
    with tenant_scope(tenant), CaptureQueriesContext(connection) as queries:
        recompute_range(tenant=tenant, granularity="month", since=SINCE, until=UNTIL)
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "metrics_kpithreshold"' in s for s in statements) == 1
    # the previous snapshot is read for the first period only
    assert (
        sum(
            s.lstrip().startswith("SELECT") and 'FROM "metrics_kpisnapshot"' in s
            for s in statements
        )
        == 1
    )
    stores = [s for s in statements if 'INSERT INTO "metrics_kpisnapshot"' in s]
    assert len(stores) == 10 and all("ON CONFLICT" in s for s in stores)


def test_recomputing_replaces_the_snapshot_in_place():
    tenant = _seeded("replaced")
    with tenant_scope(tenant):
        first = snapshot_compute(tenant=tenant, granularity="month", day=date(2026, 9, 1), now=NOW)
        stored = KpiSnapshot.objects.get(granularity="month", period_start=date(2026, 9, 1))
        assert first.pk == stored.pk and first.values == stored.values
        later = datetime(2026, 11, 2, tzinfo=UTC)
        again = snapshot_compute(
            tenant=tenant, granularity="month", day=date(2026, 9, 1), now=later
        )
        assert again.pk == first.pk
        assert KpiSnapshot.objects.filter(granularity="month").count() == 1
        assert KpiSnapshot.objects.get(pk=first.pk).computed_at == later
