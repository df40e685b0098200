"""Snapshot edges: zero denominators, NRR above 100 %, periods, spend shares, formulas."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from flywheel.core.tenancy import tenant_scope
from metrics.calculators import kpi_values
from metrics.periods import closed_periods, current_period, period_of, periods_between
from metrics.registry import KPIS
from metrics.services.snapshots import snapshot_compute
from tests.accounts.factories import TenantFactory
from tests.customers.factories import CustomerFactory, EventFactory

NOW = datetime(2026, 11, 20, tzinfo=UTC)
RATIOS = {
    "lead_velocity_rate",
    "lead_to_customer_rate",
    "organic_growth_rate",
    "cac",
    "cost_per_lead",
    "time_to_value_days",
    "avg_health_score",
    "active_usage_rate",
    "nps",
    "referral_rate",
    "customer_generated_revenue_share",
    "churn_rate",
    "retention_rate",
    "arpa",
    "nrr",
    "grr",
    "clv",
    "cac_payback_months",
    "flywheel_velocity",
}


@pytest.mark.django_db
def test_an_empty_tenant_has_zero_counts_and_null_ratios():
    # given
    tenant = TenantFactory()
    # when
    with tenant_scope(tenant):
        snapshot = snapshot_compute(tenant=tenant, granularity="month", day=date(2026, 10, 1))
    # then
    for kpi in KPIS:
        if kpi.key in RATIOS:
            assert snapshot.values[kpi.key] is None, kpi.key
        else:
            assert snapshot.values[kpi.key] == 0, kpi.key


@pytest.mark.django_db
def test_nrr_above_100_percent_when_expansion_outweighs_contraction():
    # given: two customers at 100 each on 1 October; one grows to 150, one stays
    tenant = TenantFactory()
    for mrr_after in (150, 100):
        customer = CustomerFactory(
            tenant=tenant, stage="customer", became_customer_at=datetime(2026, 9, 1, tzinfo=UTC)
        )
        for when, value in (
            (datetime(2026, 9, 1, tzinfo=UTC), 100),
            (datetime(2026, 10, 9, tzinfo=UTC), mrr_after),
        ):
            EventFactory(
                tenant=tenant, customer=customer, kind="subscription", occurred_at=when, value=value
            )
    # when
    with tenant_scope(tenant):
        snapshot = snapshot_compute(
            tenant=tenant, granularity="month", day=date(2026, 10, 1), now=NOW
        )
    # then
    assert snapshot.values["nrr"] == 1.25
    assert snapshot.values["grr"] == 1.0
    assert snapshot.values["expansion_mrr"] == 50.0
    assert snapshot.values["churn_rate"] == 0.0
    assert snapshot.values["clv"] is None  # no churn: a lifetime value without end is null


def test_flywheel_velocity_above_3_for_a_working_flywheel():
    # given: inputs of a month with cheap acquisition and many referrers
    inputs = {
        "new_leads": 100,
        "qualified_leads": 40,
        "qualified_leads_previous": 30,
        "new_customers": 20,
        "new_customers_organic": 15,
        "customers_start": 200,
        "customers_end": 210,
        "churned_customers": 10,
        "reactivated_customers": 0,
        "health_sum": 0,
        "health_count": 0,
        "revenue": 20000,
        "referred_revenue": 5000,
        "active_with_login": 150,
        "nps_promoters": 0,
        "nps_detractors": 0,
        "nps_respondents": 0,
        "ttv_days_sum": 0,
        "ttv_customers": 0,
        "referrers_qualified": 42,
        "ugc_submitted": 0,
        "ugc_published": 0,
        "mrr_start": 20000,
        "mrr_end": 21000,
        "new_mrr": 1000,
        "reactivation_mrr": 0,
        "expansion_mrr": 0,
        "contraction_mrr": 0,
        "churned_mrr": 0,
        "retained_base_mrr": 20000,
        "retained_end_mrr": 20000,
        "retained_capped_mrr": 20000,
        "acquisition_spend": 2000,
    }
    # when
    values = kpi_values(inputs, gross_margin=Decimal("0.8"))
    # then: arpa 100, clv 100 x 0.8 / 0.05 = 1600, cac 100;
    # velocity = 0.75 x 1600 x 0.2 / 100 = 2.4
    assert values["clv"] == 1600.0
    assert values["cac"] == 100.0
    assert values["flywheel_velocity"] == 2.4
    assert values["cac_payback_months"] == 1.25
    # and with half the spend it passes 3 (4.8)
    values = kpi_values({**inputs, "acquisition_spend": 1000}, gross_margin=Decimal("0.8"))
    assert values["flywheel_velocity"] == 4.8


def test_periods_in_a_timezone_start_at_local_midnight():
    # given / when
    week = period_of("week", date(2026, 10, 28), "America/New_York")
    quarter = period_of("quarter", date(2026, 11, 5), "Asia/Tokyo")
    # then
    assert (week.start, week.end) == (date(2026, 10, 26), date(2026, 11, 2))
    assert week.starts_at == datetime(2026, 10, 26, 4, tzinfo=UTC)  # EDT
    assert week.ends_at == datetime(2026, 11, 2, 5, tzinfo=UTC)  # EST after 1 November
    assert (quarter.start, quarter.end) == (date(2026, 10, 1), date(2027, 1, 1))
    assert quarter.starts_at == datetime(2026, 9, 30, 15, tzinfo=UTC)


def test_the_current_period_is_the_local_one_and_closed_ones_go_back():
    # given: 23:30 UTC on 31 October is 1 November in Berlin
    now = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    # when / then
    assert current_period("month", now, "Europe/Berlin").start == date(2026, 11, 1)
    assert current_period("month", now, "UTC").start == date(2026, 10, 1)
    assert [p.start for p in closed_periods("month", now, "Europe/Berlin", 3)] == [
        date(2026, 10, 1),
        date(2026, 9, 1),
        date(2026, 8, 1),
    ]
    assert len(periods_between("day", date(2026, 2, 1), date(2026, 2, 28), "UTC")) == 28
