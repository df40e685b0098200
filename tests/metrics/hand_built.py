"""A hand-built tenant in Europe/Berlin with a known October 2026, for the KPI tests.

Every figure the tests expect is worked out by hand in `test_snapshot_hand_built.py` from the
history below. Local times are Berlin's; several facts sit just inside or just outside
October in Berlin while falling on the other side in UTC.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from customers.models import Customer, CustomerHealth
from segments.models import HealthSummary
from tests.accounts.factories import TenantFactory
from tests.customers.factories import CustomerFactory, EventFactory, StageChangeFactory
from tests.referrals.factories import ReferralFactory, ReferralLinkFactory
from tests.ugc.factories import UGCRequestFactory

from .factories import AcquisitionSpendFactory

BERLIN = ZoneInfo("Europe/Berlin")
OCTOBER = date(2026, 10, 1)


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def build_october() -> tuple:
    """The tenant and a dict of its 21 customers by name."""
    tenant = TenantFactory(timezone="Europe/Berlin", gross_margin=Decimal("0.8"))
    people: dict[str, Customer] = {}

    def customer(name, channel, *, created, became=None, churned=None, stage=None):
        people[name] = CustomerFactory(
            tenant=tenant,
            name=name,
            acquisition_channel=channel,
            created_at=created,
            became_customer_at=became,
            churned_at=churned,
            stage=stage or ("churned" if churned else "customer" if became else "lead"),
        )

    def event(who, kind, when, value=None, **properties):
        EventFactory(
            tenant=tenant,
            customer=people[who],
            kind=kind,
            occurred_at=when,
            value=value,
            properties=properties,
        )

    # Customers since mid-August: active at the start of October unless churned before.
    for name, channel in [
        ("C1", "referral"),
        ("C2", "referral"),
        ("C3", "organic"),
        ("C4", "organic"),
        ("C5", "paid"),
        ("C6", "paid"),
        ("C7", "paid"),
        ("C8", "social"),
        ("C9", "paid"),
    ]:
        churned = {
            "C7": at(10, 20),
            # C8 churns at 00:30 on 1 November in Berlin: still October in UTC, not in Berlin.
            "C8": at(11, 1, 0, 30),
            "C9": at(9, 10),
        }.get(name)
        customer(name, channel, created=at(8, 1), became=at(8, 15), churned=churned)

    def scored(name, score):
        band = "green" if score >= 70 else "yellow" if score >= 40 else "red"
        CustomerHealth.all_tenants.create(
            tenant=tenant,
            customer=people[name],
            score=score,
            band=band,
            band_since=at(10, 31),
            computed_at=at(10, 31),
        )

    for name, score in [("C1", 80), ("C2", 60), ("C7", 10)]:
        scored(name, score)
    # The health summary the nightly recompute left on 31 October: the active customers with
    # a score (C1 80, C2 60, N1 70, all referred; C7 had churned, L1 is a lead).
    HealthSummary.all_tenants.create(
        tenant=tenant,
        day=date(2026, 10, 31),
        computed_at=at(10, 31, 3),
        customers=3,
        score_sum=210,
        green=2,
        yellow=1,
        by_channel={"referral": ["210", 3]},
    )

    # New customers in October (N4 at 00:30 on 1 October: still September in UTC).
    customer("N1", "referral", created=at(9, 20), became=at(10, 5))
    scored("N1", 70)
    customer("N2", "organic", created=at(10, 2), became=at(10, 10))
    customer("N3", "paid", created=at(10, 3), became=at(10, 12))
    customer("N4", "paid", created=at(9, 1), became=at(10, 1, 0, 30))
    # Leads: L5 at 23:59 on 31 October is in; L6 at 00:10 on 1 November is out.
    for name, created in [
        ("L1", at(10, 4)),
        ("L2", at(10, 6)),
        ("L3", at(10, 7)),
        ("L4", at(10, 8)),
        ("L5", at(10, 31, 23, 59)),
        ("L6", at(11, 1, 0, 10)),
    ]:
        customer(name, "other", created=created)
    scored("L1", 90)
    # X1 comes, buys and churns within October; X2 is a lead lost in October (not a customer).
    customer("X1", "paid", created=at(10, 20), became=at(10, 21), churned=at(10, 28))
    customer("X2", "other", created=at(10, 15), churned=at(10, 25))

    # Qualified leads: October L1, L2 (twice), N2, L3 (01:00 on 1 October); September N1, N4.
    for name, when in [
        ("L1", at(10, 4, 13)),
        ("L2", at(10, 6, 13)),
        ("L2", at(10, 9)),
        ("N2", at(10, 3)),
        ("L3", at(10, 1, 1)),
        ("N1", at(9, 22)),
        ("N4", at(9, 5)),
    ]:
        StageChangeFactory(
            tenant=tenant, customer=people[name], to_stage="qualified_lead", changed_at=when
        )

    # Spend: all of October's 620, and 15 of the 30 days of a 300 campaign.
    AcquisitionSpendFactory(tenant=tenant, period_start=date(2026, 10, 1), amount="620")
    AcquisitionSpendFactory(
        tenant=tenant,
        period_start=date(2026, 9, 16),
        period_end=date(2026, 10, 15),
        amount="300",
    )

    # Milestones: N1 after 10 days, N2 after 3.5; C3's first was in September; N3's in November.
    event("N1", "milestone", at(10, 15), name="first report")
    event("N2", "milestone", at(10, 14, 0), name="first report")
    event("C3", "milestone", at(9, 1), name="first report")
    event("C3", "milestone", at(10, 20), name="second report")
    event("N3", "milestone", at(11, 2), name="first report")

    # Logins: active at the end C1 (twice), C2, N1, C5 (00:30 on 1 October); L1 is a lead,
    # C7 churned, C4's login is on 1 November.
    for name, when in [
        ("C1", at(10, 2)),
        ("C1", at(10, 3)),
        ("C2", at(10, 4)),
        ("N1", at(10, 6)),
        ("C5", at(10, 1, 0, 30)),
        ("L1", at(10, 5)),
        ("C7", at(10, 5)),
        ("C4", at(11, 1, 0, 30)),
    ]:
        event(name, "login", when)

    # NPS: latest in October per customer: C1 10, C2 9, C4 9 promoters; C3 6, C5 0
    # detractors; C6 7 passive (its 10 was in September); N1 answered in November.
    for name, when, score in [
        ("C1", at(10, 3), 4),
        ("C1", at(10, 20), 10),
        ("C2", at(10, 5), 9),
        ("C3", at(10, 6), 6),
        ("C4", at(10, 7), 9),
        ("C5", at(10, 8), 0),
        ("C6", at(9, 29), 10),
        ("C6", at(10, 9), 7),
        ("N1", at(11, 1, 0, 30), 10),
    ]:
        event(name, "nps", when, Decimal(score))

    # Payments: paid C1 100, C2 200, N1 50, C6 40 (00:30 on 1 October); C3 late, C4 failed,
    # C5's on 1 November.
    for name, when, amount, status in [
        ("C1", at(10, 10), 100, "paid"),
        ("C2", at(10, 11), 200, "paid"),
        ("N1", at(10, 12), 50, "paid"),
        ("C6", at(10, 1, 0, 30), 40, "paid"),
        ("C3", at(10, 13), 80, "late"),
        ("C4", at(10, 14), 70, "failed"),
        ("C5", at(11, 1, 0, 30), 30, "paid"),
    ]:
        event(name, "payment", when, Decimal(amount), status=status)

    # Subscriptions (MRR after each change).
    for name, when, mrr in [
        ("C1", at(8, 15), 100),
        ("C1", at(10, 10), 150),
        ("C2", at(8, 15), 200),
        ("C2", at(10, 12), 120),
        ("C3", at(8, 15), 100),
        ("C4", at(8, 15), 50),
        ("C4", at(9, 20), 80),
        ("C5", at(8, 15), 100),
        ("C5", at(11, 1, 0, 30), 300),
        ("C6", at(8, 15), 60),
        ("C6", at(10, 1, 0, 30), 90),
        ("C7", at(8, 15), 100),
        ("C7", at(10, 20), 0),
        ("C8", at(8, 15), 70),
        ("C9", at(8, 15), 90),
        ("C9", at(9, 10), 0),
        ("N1", at(10, 5), 50),
        ("N2", at(10, 10), 40),
        ("N2", at(10, 11), 60),
        ("N4", at(10, 1, 0, 30), 80),
    ]:
        event(name, "subscription", when, Decimal(mrr), plan="any")

    # Referrals: C1's two qualified in October; C2's in September; C3's pending.
    link_c1 = ReferralLinkFactory(tenant=tenant, referrer=people["C1"])
    for referee, qualified in [("N1", at(10, 20)), ("L4", at(10, 22))]:
        ReferralFactory(
            tenant=tenant,
            link=link_c1,
            referee=people[referee],
            status="qualified",
            qualified_at=qualified,
        )
    ReferralFactory(
        tenant=tenant,
        link=ReferralLinkFactory(tenant=tenant, referrer=people["C2"]),
        referee=people["N2"],
        status="qualified",
        qualified_at=at(9, 25),
    )
    ReferralFactory(
        tenant=tenant,
        link=ReferralLinkFactory(tenant=tenant, referrer=people["C3"]),
        referee=people["L5"],
    )

    # UGC: submitted in October 2 (one published in October), one from September published
    # in October, one submitted in November.
    for who, submitted, published in [
        ("C1", at(10, 3), at(10, 4)),
        ("C2", at(10, 18), None),
        ("C3", at(9, 28), at(10, 2)),
        ("C4", at(11, 1, 0, 30), None),
    ]:
        UGCRequestFactory(
            tenant=tenant, customer=people[who], submitted_at=submitted, published_at=published
        )
    return tenant, people
