"""Deterministic demo history of a tenant's flywheel, generated in chunks and bulk-loaded.

`seed_tenant(tenant, customers=N, days=D, seed=S, now=T)` creates N customers over the D days
before T, in creation order, with their stage history (lead -> qualified lead -> opportunity
-> customer -> advocate, some churned), acquisition channels (referred customers point at an
earlier paying customer) and activity events: logins, feature use, support tickets, monthly
payments (some late or failed), subscriptions with expansions, contractions and churn to 0,
NPS answers, milestones and community activity. The same arguments give the same data; only
`random.Random(seed)` and T are used, never the clock. Memory stays flat: each chunk of
customers is generated, written with COPY (PostgreSQL) or bulk inserts, and dropped.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from customers.models import Customer, Event, StageChange
from flywheel.core.sql import analyze, bulk_load, reserve_ids

CHUNK = 5_000
CHANNELS = (
    ("organic", 30),
    ("referral", 15),
    ("paid", 25),
    ("social", 10),
    ("partner", 5),
    ("direct", 10),
    ("other", 5),
)
PLANS = (
    ("starter", Decimal(29)),
    ("team", Decimal(49)),
    ("business", Decimal(99)),
    ("enterprise", Decimal(199)),
)
FEATURES = ("reports", "export", "api", "alerts", "dashboards", "integrations", "sso", "audit")
# How customers answer NPS (0..10): mostly passives and promoters, as in a healthy SaaS.
NPS_WEIGHTS = (2, 1, 1, 2, 2, 4, 6, 12, 20, 25, 25)
ACTIVITY_DAYS = 90  # logins and feature use are generated for the last 90 days only
DAY = timedelta(days=1)


@dataclass
class Person:
    customer: Customer
    changes: list[dict] = field(default_factory=list)  # StageChange rows
    events: list[dict] = field(default_factory=list)  # Event rows


@dataclass
class Generator:
    """Makes one customer at a time; state that spans customers lives here."""

    tenant: object
    now: datetime
    rng: random.Random
    seed: int
    referrers: deque = field(default_factory=lambda: deque(maxlen=10_000))
    serial: int = 0

    def _event(self, person: Person, kind: str, at: datetime, value=None, **properties) -> None:
        self.serial += 1
        person.events.append(
            {
                "tenant_id": self.tenant.pk,
                "kind": kind,
                "occurred_at": at,
                "value": value,
                "properties": properties,
                "sender_id": f"seed-{self.seed}-{self.serial}",
                "received_at": at,
            }
        )

    def _enter(self, person: Person, stage: str, at: datetime) -> None:
        previous = person.changes[-1]["to_stage"] if person.changes else ""
        person.changes.append(
            {
                "tenant_id": self.tenant.pk,
                "from_stage": previous,
                "to_stage": stage,
                "changed_at": at,
            }
        )
        person.customer.stage = stage

    def _referrer(self, before: datetime) -> int | None:
        """An earlier paying customer who was a customer before `before`, if any."""
        for _ in range(5):
            if not self.referrers:
                return None
            pk, became_at = self.rng.choice(self.referrers)
            if became_at < before:
                return pk
        return None

    def person(self, index: int, created_at: datetime, pk: int | None) -> Person:
        rng = self.rng
        channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        customer = Customer(
            pk=pk,
            tenant_id=self.tenant.pk,
            external_id=f"demo-{index:07d}",
            email=f"person{index}@example.com",
            name=f"Person {index}",
            acquisition_channel=channel,
            created_at=created_at,
        )
        if channel == "referral":
            customer.referred_by_id = self._referrer(created_at)
        person = Person(customer)
        self._enter(person, "lead", created_at)
        at = created_at
        for stage, chance, max_gap in (
            ("qualified_lead", 0.5, 10),
            ("opportunity", 0.6, 20),
            ("customer", 0.7, 30),
        ):
            at = at + timedelta(days=rng.uniform(0.1, max_gap))
            if rng.random() > chance or at >= self.now:
                if customer.stage == "lead" and rng.random() < 0.3:
                    webinar = created_at + DAY * rng.random()
                    if webinar < self.now:  # the history ends at `now`: nothing after it
                        self._event(person, "custom", webinar, name="webinar")
                return person
            self._enter(person, stage, at)
        customer.became_customer_at = at
        self._paying_life(person, at)
        return person

    def _paying_life(self, person: Person, since: datetime) -> None:
        rng, customer = self.rng, person.customer
        end = self.now
        if rng.random() < 0.25:  # churns some day
            churn_at = since + timedelta(days=rng.uniform(30, 400))
            if churn_at < self.now:
                end = churn_at
        if end == self.now and self.now - since > timedelta(days=60) and rng.random() < 0.2:
            self._enter(person, "advocate", since + timedelta(days=rng.uniform(45, 60)))
        self._subscriptions(person, since, end)
        self._payments(person, since, end)
        self._activity(person, since, end)
        if end < self.now:
            self._enter(person, "churned", end)
            customer.churned_at = end
            self._event(person, "subscription", end, Decimal(0), plan="cancelled")
        else:
            self.referrers.append((customer.pk, since))
        latest = max(
            (e for e in person.events if e["kind"] == "subscription"),
            key=lambda e: e["occurred_at"],
            default=None,
        )
        if latest is not None:
            customer.mrr, customer.mrr_at = latest["value"], latest["occurred_at"]
        answers = [e for e in person.events if e["kind"] == "nps"]
        if answers:
            last = max(answers, key=lambda e: e["occurred_at"])
            customer.nps_score, customer.nps_at = int(last["value"]), last["occurred_at"]
        if person.events:
            customer.last_seen_at = max(e["occurred_at"] for e in person.events)

    def _subscriptions(self, person: Person, since: datetime, end: datetime) -> None:
        rng = self.rng
        plan = rng.randrange(len(PLANS) - 1)
        self._event(person, "subscription", since, PLANS[plan][1], plan=PLANS[plan][0])
        changed_at = since + timedelta(days=rng.uniform(30, 240))
        if changed_at < end and rng.random() < 0.3:
            plan = min(plan + 1, len(PLANS) - 1) if rng.random() < 0.7 else max(plan - 1, 0)
            self._event(person, "subscription", changed_at, PLANS[plan][1], plan=PLANS[plan][0])
        person.customer.mrr = PLANS[plan][1]

    def _payments(self, person: Person, since: datetime, end: datetime) -> None:
        rng = self.rng
        due = since
        while due < end:
            status = rng.choices(("paid", "late", "failed"), (92, 6, 2))[0]
            if due > self.now - timedelta(days=180):
                self._event(person, "payment", due, person.customer.mrr, status=status)
            due += timedelta(days=30)

    def _activity(self, person: Person, since: datetime, end: datetime) -> None:
        rng = self.rng
        start = max(since, self.now - timedelta(days=ACTIVITY_DAYS))
        span = (end - start).total_seconds()
        if span > 0:
            healthy = rng.random() < 0.7
            logins = int(span / 604800 * (rng.uniform(3, 8) if healthy else rng.uniform(0, 2)))
            for _ in range(logins):
                self._event(person, "login", start + timedelta(seconds=rng.uniform(0, span)))
            for _ in range(rng.randint(0, 8 if healthy else 2)):
                self._event(
                    person,
                    "feature_used",
                    start + timedelta(seconds=rng.uniform(0, span)),
                    feature=rng.choice(FEATURES),
                )
        for _ in range(rng.choices((0, 1, 2, 3), (50, 30, 15, 5))[0]):
            opened = since + timedelta(days=rng.uniform(0, max((end - since).days, 1)))
            if opened >= end:
                continue
            self._event(person, "support_ticket", opened, status="opened")
            closed = opened + timedelta(hours=rng.uniform(1, 72))
            if closed < end:
                self._event(
                    person,
                    "support_ticket",
                    closed,
                    status="closed",
                    csat=rng.choices((1, 2, 3, 4, 5), (5, 5, 15, 35, 40))[0],
                )
        for _ in range(rng.choices((0, 1, 2), (40, 45, 15))[0]):
            answered = since + timedelta(days=rng.uniform(14, max((end - since).days, 15)))
            if answered < end:
                score = rng.choices(range(11), NPS_WEIGHTS)[0]
                self._event(person, "nps", answered, Decimal(score))
        first_win = since + timedelta(days=rng.uniform(3, 45))
        if first_win < end and rng.random() < 0.7:
            self._event(person, "milestone", first_win, name="first report shared")
        if person.customer.stage == "advocate":
            for _ in range(rng.randint(1, 6)):
                self._event(
                    person,
                    "community",
                    since + (end - since) * rng.random(),
                    action=rng.choice(("answered", "posted", "spoke")),
                )


def _next_ids(count: int) -> list[int]:
    """SQLite (the demo, one writer): the next free customer ids, so that referrers are known
    before their chunk is written, as with PostgreSQL's sequence."""
    from django.db.models import Max

    # all_tenants: ids are global across tenants.
    last = Customer.all_tenants.aggregate(last=Max("id"))["last"] or 0
    return list(range(last + 1, last + 1 + count))


def seed_tenant(
    *,
    tenant,
    customers: int,
    days: int,
    seed: int,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Generate and write the history; returns row counts. See the module docstring."""
    from django.db import connection, transaction

    generator = Generator(tenant=tenant, now=now, rng=random.Random(seed), seed=seed)
    start = now - timedelta(days=days)
    step = timedelta(days=days) / max(customers, 1)
    totals = {"customers": 0, "stage_changes": 0, "events": 0}
    for offset in range(0, customers, CHUNK):
        count = min(CHUNK, customers - offset)
        ids = (
            reserve_ids(Customer, count) if connection.vendor == "postgresql" else _next_ids(count)
        )
        people = []
        for i in range(count):
            created_at = start + step * (offset + i) + step * generator.rng.random()
            people.append(generator.person(offset + i, created_at, ids[i] if ids else None))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                bulk_load(Customer, [p.customer for p in people])
            else:
                Customer.all_tenants.bulk_create([p.customer for p in people])
            for person in people:
                for row in (*person.changes, *person.events):
                    row["customer_id"] = person.customer.pk
            bulk_load(StageChange, [c for p in people for c in p.changes])
            bulk_load(Event, [e for p in people for e in p.events])
        totals["customers"] += count
        totals["stage_changes"] += sum(len(p.changes) for p in people)
        totals["events"] += sum(len(p.events) for p in people)
        if progress:
            progress(offset + count, customers)
    analyze(Customer, StageChange, Event)
    return totals
