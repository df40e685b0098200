"""KPI alerts: a deteriorating KPI beyond its threshold alerts once; an improving one never."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from flywheel.core.models import DomainEvent
from flywheel.core.tenancy import tenant_scope
from metrics.alerts import (
    alerts_evaluate,
    deterioration,
    thresholds_ensure_defaults,
    thresholds_for,
)
from metrics.models import KpiAlert, KpiThreshold
from tests.accounts.factories import TenantFactory
from tests.metrics.factories import KpiSnapshotFactory, KpiThresholdFactory


def _months(tenant, september: dict, october: dict, defaults: bool = True):
    if defaults:  # what `tenant.created` gives a new tenant
        with tenant_scope(tenant):
            thresholds_ensure_defaults(tenant=tenant)
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 9, 1), values=september)
    return KpiSnapshotFactory(
        tenant=tenant,
        period_start=date(2026, 10, 1),
        values=october,
        ends_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


@pytest.mark.django_db
def test_churn_up_by_more_than_20_percent_raises_one_alert_and_event():
    # given: the default thresholds; churn 0.10 -> 0.13 (+30 %), NPS 40 -> 35 (-5 points)
    tenant = TenantFactory()
    october = _months(tenant, {"churn_rate": 0.10, "nps": 40}, {"churn_rate": 0.13, "nps": 35})
    with tenant_scope(tenant):
        # when
        alerts = alerts_evaluate(tenant=tenant, snapshot=october)
        again = alerts_evaluate(tenant=tenant, snapshot=october)
        # then
        assert [(a.kpi, round(a.change, 1)) for a in alerts] == [("churn_rate", 30.0)]
        assert again == []
        assert KpiAlert.objects.count() == 1
        events = DomainEvent.objects.filter(name="kpi.alert")
        assert events.count() == 1
        assert events.get().payload["kpi"] == "churn_rate"


@pytest.mark.django_db
def test_an_improving_kpi_does_not_alert():
    # given: churn down, NPS up by a lot
    tenant = TenantFactory()
    october = _months(tenant, {"churn_rate": 0.20, "nps": 10}, {"churn_rate": 0.05, "nps": 60})
    with tenant_scope(tenant):
        # when
        alerts = alerts_evaluate(tenant=tenant, snapshot=october)
    # then
    assert alerts == []


@pytest.mark.django_db
def test_nps_down_by_more_than_10_points_alerts_in_absolute_mode():
    tenant = TenantFactory()
    october = _months(tenant, {"nps": 40}, {"nps": 29})
    with tenant_scope(tenant):
        alerts = alerts_evaluate(tenant=tenant, snapshot=october)
    assert [(a.kpi, a.change, a.mode) for a in alerts] == [("nps", 11.0, "absolute")]


@pytest.mark.django_db
def test_a_tenant_threshold_replaces_the_defaults_and_inactive_ones_are_ignored():
    # given: the tenant alerts on CAC up by more than 10 %, and switched churn off
    tenant = TenantFactory()
    KpiThresholdFactory(tenant=tenant, kpi="cac", mode="relative", threshold="10")
    KpiThresholdFactory(tenant=tenant, kpi="churn_rate", active=False)
    october = _months(
        tenant, {"cac": 100, "churn_rate": 0.1}, {"cac": 111, "churn_rate": 0.5}, defaults=False
    )
    with tenant_scope(tenant):
        # when
        alerts = alerts_evaluate(tenant=tenant, snapshot=october)
        # then
        assert [a.kpi for a in alerts] == ["cac"]
        assert [t.kpi for t in thresholds_for(tenant=tenant)] == ["cac"]


@pytest.mark.django_db
def test_a_tenant_without_thresholds_gets_no_alerts_and_no_defaults_back():
    # given: the tenant deleted its thresholds
    tenant = TenantFactory()
    october = _months(tenant, {"churn_rate": 0.1}, {"churn_rate": 0.9})
    KpiThreshold.all_tenants.filter(tenant=tenant).delete()
    with tenant_scope(tenant):
        # when
        alerts = alerts_evaluate(tenant=tenant, snapshot=october)
    # then
    assert alerts == []
    assert not KpiThreshold.all_tenants.filter(tenant=tenant).exists()


@pytest.mark.django_db
def test_a_new_tenant_starts_with_the_default_thresholds(django_capture_on_commit_callbacks):
    # given / when: a tenant created through the service (its `tenant.created` event runs)
    from accounts import services
    from tests.accounts.factories import UserFactory

    with django_capture_on_commit_callbacks(execute=True):
        tenant = services.tenant_create(owner=UserFactory(), name="Fresh", slug="fresh")
    # then
    rows = KpiThreshold.all_tenants.filter(tenant=tenant).order_by("kpi")
    assert [(t.kpi, t.mode, t.threshold) for t in rows] == [
        ("churn_rate", "relative", Decimal("20")),
        ("nps", "absolute", Decimal("10")),
    ]


def test_deterioration_is_null_for_unknown_values_and_a_zero_base():
    assert deterioration("churn_rate", "relative", None, 0.2) is None
    assert deterioration("churn_rate", "relative", 0, 0.2) is None
    assert deterioration("churn_rate", "absolute", 0, 0.2) == Decimal("0.2")
    assert deterioration("revenue", "relative", 100, 80) == 20
