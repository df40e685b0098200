"""KPI alerts: a deteriorating KPI beyond its threshold alerts once; an improving one never."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from flywheel.core.models import DomainEvent
from flywheel.core.tenancy import tenant_scope
from metrics.models import KpiAlert, KpiThreshold
from metrics.services.alerts import (
    alerts_evaluate,
    changes,
    thresholds_ensure_defaults,
    thresholds_for,
)
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
        assert [(a.kpi, a.change, round(a.relative_change, 1)) for a in alerts] == [
            ("churn_rate", 0.03, 30.0)
        ]
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
    assert [(a.kpi, a.change, a.mode) for a in alerts] == [("nps", -11.0, "absolute")]


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
    assert [(t.kpi, t.mode, t.threshold, t.absolute_threshold) for t in rows] == [
        ("churn_rate", "relative", Decimal("20"), Decimal("0.05")),
        ("nps", "absolute", Decimal("10"), None),
    ]


def test_changes_are_signed_and_relative_only_from_a_known_nonzero_base():
    assert changes(100, 0) == (Decimal(-100), Decimal(-100))
    assert changes(0.1, 0.13)[0] == Decimal("0.03")
    assert changes(0, 0.14) == (Decimal("0.14"), None)
    assert changes(None, 0.2) == (None, None)


@pytest.mark.django_db
def test_an_nps_drop_from_100_to_0_reads_minus_100():
    tenant = TenantFactory()
    october = _months(tenant, {"nps": 100}, {"nps": 0})
    with tenant_scope(tenant):
        (alert,) = alerts_evaluate(tenant=tenant, snapshot=october)
    assert (alert.previous_value, alert.value, alert.change) == (100.0, 0.0, -100.0)
    assert alert.relative_change == -100.0
    assert DomainEvent.all_tenants.get(name="kpi.alert").payload["change"] == -100.0


@pytest.mark.django_db
@pytest.mark.parametrize("previous", [0, None])
def test_churn_from_zero_or_unknown_is_judged_by_the_absolute_threshold(previous):
    # given the default churn threshold: +20 % relative, or +0.05 where the base is 0 or null
    tenant = TenantFactory()
    october = _months(tenant, {"churn_rate": previous}, {"churn_rate": 0.14})
    with tenant_scope(tenant):
        (alert,) = alerts_evaluate(tenant=tenant, snapshot=october)
    assert (alert.kpi, alert.mode, alert.threshold) == ("churn_rate", "absolute", Decimal("0.05"))
    assert alert.relative_change is None
    assert alert.change == (0.14 if previous == 0 else None)


@pytest.mark.django_db
def test_a_small_move_from_zero_stays_below_the_absolute_threshold():
    tenant = TenantFactory()
    october = _months(tenant, {"churn_rate": 0}, {"churn_rate": 0.04})
    with tenant_scope(tenant):
        assert alerts_evaluate(tenant=tenant, snapshot=october) == []


@pytest.mark.django_db
def test_a_relative_threshold_without_an_absolute_one_stays_silent_from_zero():
    tenant = TenantFactory()
    KpiThresholdFactory(tenant=tenant, kpi="churn_rate", mode="relative", threshold="20")
    october = _months(tenant, {"churn_rate": 0}, {"churn_rate": 0.5}, defaults=False)
    with tenant_scope(tenant):
        assert alerts_evaluate(tenant=tenant, snapshot=october) == []
