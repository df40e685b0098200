"""Every KPI of October 2026 for the hand-built Berlin tenant, worked out by hand."""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from flywheel.core.tenancy import tenant_scope
from metrics.models import KpiSnapshot
from metrics.registry import KPIS
from metrics.services.snapshots import snapshot_compute

from .hand_built import OCTOBER, build_october

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def r(value, places: int):
    """Round half up, as the registry does (places 0: an int)."""
    result = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(result) if places == 0 else float(result)


# Inputs by hand (see hand_built.py):
# customers_start: C1..C8 (C9 churned in September) = 8
# customers_end: C1..C6, C8 (churns in November in Berlin), N1..N4 = 11
# new_customers: N1..N4, X1 = 5 (N4 at 00:30 on 1 October Berlin); organic/referral: N1, N2
# new_leads: N2, N3, L1..L5, X1, X2 = 9 (N1, N4 created in September, L6 in November)
# churned: C7, X1 = 2 (X2 was never a customer). Spend: 620 + 300 x 15/30 = 770.
# qualified: L1, L2, N2, L3 = 4; September's: N1, N4 = 2.
# MRR start: 100+200+100+80+100+60+100+70 = 810; end: 150+120+100+80+100+90+0+70+50+60+80 = 900
ARPA = Decimal(900) / 11
MARGIN_PER_ACCOUNT = ARPA * Decimal("0.8")
CHURN_RATE = Decimal(2) / 8
CLV = MARGIN_PER_ACCOUNT / CHURN_RATE
CAC = Decimal(770) / 5
REFERRAL_RATE = Decimal(1) / 11
EXPECTED = {
    "new_leads": 9,
    "qualified_leads": 4,
    "lead_velocity_rate": r(Decimal(4 - 2) / 2, 4),  # 1.0
    "lead_to_customer_rate": r(Decimal(5) / 9, 4),  # 0.5556
    "organic_growth_rate": 0.4,
    "cac": 154.0,
    "cost_per_lead": r(Decimal(770) / 9, 2),  # 85.56
    "new_customers": 5,
    "reactivated_customers": 0,
    "time_to_value_days": 6.75,  # N1 10 days, N2 3.5 days
    "avg_health_score": 70.0,  # C1 80, C2 60, N1 70 (C7 churned, L1 a lead)
    "active_usage_rate": r(Decimal(4) / 11, 4),  # C1, C2, N1, C5
    "nps": r(Decimal(100) * (3 - 2) / 6, 1),  # 16.7
    "referral_rate": r(REFERRAL_RATE, 4),  # C1 only
    "customer_generated_revenue_share": r(Decimal(350) / 390, 4),
    "ugc_submitted": 2,
    "ugc_published": 2,
    "customers_start": 8,
    "customers_end": 11,
    "churned_customers": 2,
    "churn_rate": 0.25,
    "retention_rate": 0.75,  # (11 - 5) / 8
    "revenue": 390.0,  # 100 + 200 + 50 + 40
    "mrr_end": 900.0,
    "arpa": r(ARPA, 2),  # 81.82
    "new_mrr": 190.0,  # N1 50, N2 60, N4 80
    "reactivation_mrr": 0.0,
    "expansion_mrr": 80.0,  # C1 +50, C6 +30
    "contraction_mrr": 80.0,  # C2 200 -> 120
    "churned_mrr": 100.0,  # C7
    "nrr": r(Decimal(710) / 810, 4),  # 0.8765: below 100 %
    "grr": r(Decimal(630) / 810, 4),  # 0.7778
    "clv": r(CLV, 2),  # 261.82
    "cac_payback_months": r(CAC / MARGIN_PER_ACCOUNT, 2),  # 2.35
    "flywheel_velocity": r(Decimal("0.4") * CLV * REFERRAL_RATE / CAC, 4),  # 0.0618
}


@pytest.mark.django_db
def test_every_kpi_of_the_hand_built_month_matches_the_hand_worked_figure():
    # given: the tenant, and a second one with the same history (which must not count)
    tenant, _ = build_october()
    build_october()
    # when
    with tenant_scope(tenant):
        snapshot = snapshot_compute(tenant=tenant, granularity="month", day=OCTOBER, now=NOW)
    # then
    assert set(EXPECTED) == {kpi.key for kpi in KPIS}
    for key, expected in EXPECTED.items():
        assert snapshot.values[key] == expected, key
    assert snapshot.inputs["mrr_start"] == 810
    assert snapshot.inputs["acquisition_spend"] == 770


@pytest.mark.django_db
def test_the_period_runs_from_local_midnight_to_local_midnight():
    # given
    tenant, _ = build_october()
    # when
    with tenant_scope(tenant):
        snapshot = snapshot_compute(tenant=tenant, granularity="month", day=date(2026, 10, 17))
    # then: Berlin is UTC+2 on 1 October and UTC+1 on 1 November
    assert (snapshot.period_start, snapshot.period_end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert snapshot.starts_at == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert snapshot.ends_at == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert snapshot.complete is True


@pytest.mark.django_db
def test_recomputing_a_period_replaces_its_snapshot():
    # given
    tenant, _people = build_october()
    with tenant_scope(tenant):
        first = snapshot_compute(tenant=tenant, granularity="month", day=OCTOBER, now=NOW)
        from tests.customers.factories import CustomerFactory

        CustomerFactory(tenant=tenant, created_at=datetime(2026, 10, 9, tzinfo=UTC))
        # when
        second = snapshot_compute(tenant=tenant, granularity="month", day=OCTOBER, now=NOW)
        # then
        assert second.pk == first.pk
        assert KpiSnapshot.objects.filter(granularity="month").count() == 1
        assert second.values["new_leads"] == 10
