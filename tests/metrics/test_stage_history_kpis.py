"""KPIs follow the stage history: a churn and a return, a reactivation with MRR, expansion,
contraction, a lost lead, passives-only NPS, unknown spend, health as it stood (issue 12).

A UTC tenant over January to March 2026, worked out by hand:

| customer | history | MRR (subscription events) |
|---|---|---|
| A | customer since 2025-11-01, churned 01-15, back 03-10 | 100; 0 on 01-15; 120 on 03-10 |
| B | customer since 2025-11-01 (organic) | 200; 250 on 03-12 |
| C | customer since 2025-12-01 | 150; 100 on 03-15 |
| D | customer since 2025-12-01 | 80 |
| G | new 01-05 (paid), churned 03-25 | 90; 0 on 03-25 |
| E | lead 03-03, customer 03-05 (referred by B, qualified 03-06) | 60 on 03-05 |
| F | lead 02-01, lost (churned) 02-20 | - |

January: start A B C D = 4; end B C D G = 4; new G; churned A (1/4); MRR 530 -> 520
(new 90, churned 100); spend recorded as 0 -> cac 0; no health summary yet -> null.
February: start and end B C D G = 4 (A stays churned: not active in between); F's loss is
no customer churn; no spend recorded -> cac null; health summary of 28 Feb: 260 / 4 = 65.
March: start B C D G = 4; end A B C D E = 5; new E; reactivated A; churned G (1/4);
retention (5 - 1 - 1) / 4 = 0.75; MRR 520 -> 610: new 60 (E), reactivation 120 (A),
expansion 50 (B), contraction 50 (C), churned 90 (G); NPS B 7, C 8: passives only -> 0.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from customers.actors import Actor
from customers.services.customers import customer_change_stage
from flywheel.core.tenancy import tenant_scope
from metrics.services.snapshots import snapshot_compute
from segments.models import HealthSummary
from tests.accounts.factories import TenantFactory
from tests.customers.factories import CustomerFactory, EventFactory
from tests.referrals.factories import ReferralFactory, ReferralLinkFactory

from .factories import AcquisitionSpendFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 4, 15, tzinfo=UTC)
JANUARY, FEBRUARY, MARCH = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def day(month: int, d: int, year: int = 2026) -> datetime:
    return datetime(year, month, d, 12, tzinfo=UTC)


def build(*, with_return: bool = True):
    tenant = TenantFactory(timezone="UTC")
    people = {}

    def customer(name, *, created, became=None, churned=None, channel="paid", stage=None):
        people[name] = CustomerFactory(
            tenant=tenant,
            name=name,
            created_at=created,
            became_customer_at=became,
            churned_at=churned,
            acquisition_channel=channel,
            stage=stage or ("churned" if churned else "customer" if became else "lead"),
        )

    def subscription(name, when, mrr):
        EventFactory(
            tenant=tenant,
            customer=people[name],
            kind="subscription",
            occurred_at=when,
            value=Decimal(mrr),
            properties={"plan": "any"},
        )

    customer("A", created=day(11, 1, 2025), became=day(11, 1, 2025), churned=day(1, 15))
    customer("B", created=day(11, 1, 2025), became=day(11, 1, 2025), channel="organic")
    customer("C", created=day(12, 1, 2025), became=day(12, 1, 2025))
    customer("D", created=day(12, 1, 2025), became=day(12, 1, 2025))
    customer("G", created=day(1, 5), became=day(1, 5), churned=day(3, 25))
    customer("E", created=day(3, 3), became=day(3, 5), channel="referral")
    customer("F", created=day(2, 1), churned=day(2, 20))
    for name, when, mrr in [
        ("A", day(11, 1, 2025), 100),
        ("A", day(1, 15), 0),
        ("B", day(11, 1, 2025), 200),
        ("B", day(3, 12), 250),
        ("C", day(12, 1, 2025), 150),
        ("C", day(3, 15), 100),
        ("D", day(12, 1, 2025), 80),
        ("G", day(1, 5), 90),
        ("G", day(3, 25), 0),
        ("E", day(3, 5), 60),
    ]:
        subscription(name, when, mrr)
    for name, score in [("B", 7), ("C", 8)]:
        EventFactory(
            tenant=tenant, customer=people[name], kind="nps", occurred_at=day(3, 20), value=score
        )
    ReferralFactory(
        tenant=tenant,
        link=ReferralLinkFactory(tenant=tenant, referrer=people["B"]),
        referee=people["E"],
        status="qualified",
        qualified_at=day(3, 6),
    )
    AcquisitionSpendFactory(
        tenant=tenant, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), amount="0"
    )
    for when, customers, score_sum in [(day(2, 28), 4, 260), (day(3, 31), 5, 350)]:
        HealthSummary.all_tenants.create(
            tenant=tenant,
            day=when.date(),
            computed_at=when.replace(hour=3),
            customers=customers,
            score_sum=score_sum,
        )
    if with_return:
        return_of_a(tenant, people)
    return tenant, people


def return_of_a(tenant, people):
    """A comes back on 10 March through the service (which clears `churned_at`)."""
    with tenant_scope(tenant):
        customer_change_stage(
            customer=people["A"], to_stage="customer", actor=Actor(), changed_at=day(3, 10)
        )
    subscription = EventFactory.build(
        tenant=tenant,
        customer=people["A"],
        kind="subscription",
        occurred_at=day(3, 10),
        value=Decimal(120),
        properties={"plan": "any"},
    )
    subscription.save()


def month(tenant, first_day):
    with tenant_scope(tenant):
        return snapshot_compute(tenant=tenant, granularity="month", day=first_day, now=NOW)


def test_january_counts_the_churn_and_knows_no_health_yet():
    tenant, _ = build()
    values = month(tenant, JANUARY).values
    assert (values["customers_start"], values["customers_end"]) == (4, 4)
    assert (values["new_customers"], values["reactivated_customers"]) == (1, 0)
    assert (values["churned_customers"], values["churn_rate"]) == (1, 0.25)
    assert values["retention_rate"] == 0.75
    assert (values["new_mrr"], values["churned_mrr"], values["mrr_end"]) == (90.0, 100.0, 520.0)
    assert values["cac"] == 0.0 and values["cost_per_lead"] == 0.0  # a recorded spend of 0
    assert values["avg_health_score"] is None  # no summary before the end of January


def test_february_does_not_count_the_customer_who_churned_and_came_back_later():
    tenant, _ = build()
    values = month(tenant, FEBRUARY).values
    assert (values["customers_start"], values["customers_end"]) == (4, 4)
    assert values["churned_customers"] == 0  # F was a lead lost, not a customer
    assert values["churn_rate"] == 0.0 and values["retention_rate"] == 1.0
    assert values["new_leads"] == 1
    assert values["cac"] is None and values["cost_per_lead"] is None  # no spend recorded
    assert values["avg_health_score"] == 65.0  # the summary of 28 February


def test_march_has_a_reactivation_kept_apart_from_new_customers_and_new_mrr():
    tenant, _ = build()
    values = month(tenant, MARCH).values
    expected = {
        "customers_start": 4,
        "customers_end": 5,
        "new_customers": 1,
        "reactivated_customers": 1,
        "churned_customers": 1,
        "churn_rate": 0.25,
        "retention_rate": 0.75,
        "mrr_end": 610.0,
        "new_mrr": 60.0,
        "reactivation_mrr": 120.0,
        "expansion_mrr": 50.0,
        "contraction_mrr": 50.0,
        "churned_mrr": 90.0,
        "nrr": round(430 / 520, 4),
        "grr": round(380 / 520, 4),
        "arpa": 122.0,
        "clv": 488.0,  # 122 x 1.0 / 0.25
        "nps": 0.0,  # passives only
        "referral_rate": 0.2,  # B of 5
        "organic_growth_rate": 1.0,  # E was referred
        "avg_health_score": 70.0,
        "cac": None,
        "flywheel_velocity": None,
    }
    assert {key: values[key] for key in expected} == expected


def test_recomputing_january_after_the_return_gives_the_identical_snapshot():
    # given January computed while A was still churned
    tenant, people = build(with_return=False)
    before = month(tenant, JANUARY)
    # when A returns in March and January is computed again
    return_of_a(tenant, people)
    after = month(tenant, JANUARY)
    # then
    assert after.values == before.values
    assert after.inputs == before.inputs
    assert after.values["churn_rate"] == 0.25


def test_the_mrr_movements_add_up_to_the_change():
    tenant, _ = build()
    for first_day in (JANUARY, FEBRUARY, MARCH):
        inputs = month(tenant, first_day).inputs
        moved = (
            inputs["new_mrr"]
            + inputs["reactivation_mrr"]
            + inputs["expansion_mrr"]
            - inputs["contraction_mrr"]
            - inputs["churned_mrr"]
        )
        assert inputs["mrr_end"] - inputs["mrr_start"] == pytest.approx(moved), first_day
