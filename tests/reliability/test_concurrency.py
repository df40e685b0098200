"""Concurrency on PostgreSQL (issue 17, item 3): 50 callers at once, one effect each time.

- 50 deliveries of one qualifying payment -> exactly 2 rewards;
- 50 identical event batches -> each event once;
- 50 requests with one `Idempotency-Key` -> one customer, the others replayed or 409;
- overlapping KPI snapshots and health runs of one tenant -> the result of one run;
- approve and void of one reward at once -> one wins, the other answers 409.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer, CustomerHealth, Event, StageChange
from flywheel.core.tenancy import tenant_scope
from metrics.models import KpiSnapshot
from metrics.services.snapshots import snapshot_compute
from referrals.models import Referral, Reward
from referrals.services.qualification import referrals_qualify_by_payment
from segments.models import HealthAlert, HealthChange, HealthSummary
from segments.services.health import health_recompute
from tests.accounts.factories import ApiKeyFactory, MembershipFactory
from tests.concurrency import run_concurrently
from tests.conftest import client_for_key, client_for_user
from tests.customers.factories import CustomerFactory, EventFactory
from tests.referrals.factories import ReferralFactory, RewardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CALLERS = 50


def test_50_deliveries_of_one_qualifying_payment_make_exactly_two_rewards():
    referral = ReferralFactory()
    Event.all_tenants.create(
        tenant=referral.tenant,
        customer=referral.referee,
        kind="payment",
        value=50,
        properties={"status": "paid"},
        occurred_at=timezone.now(),
        sender_id="pay-1",
    )

    def deliver():
        with tenant_scope(referral.tenant):
            return referrals_qualify_by_payment(customer_ids=[referral.referee_id])

    outcomes = run_concurrently(deliver, CALLERS)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert Reward.all_tenants.filter(referral=referral).count() == 2
    assert Referral.all_tenants.get(pk=referral.pk).status == "qualified"


def test_50_identical_event_batches_store_each_event_once(tenant):
    secret = ApiKeyFactory(tenant=tenant).secret
    batch = [
        {"id": f"c{i}", "customer_external_id": f"x{i % 10}", "kind": "login"} for i in range(50)
    ]
    url = f"/api/v1/tenants/{tenant.slug}/events/bulk/"
    body = {"events": batch, "create_missing_customers": True}

    responses = run_concurrently(
        lambda: client_for_key(secret).post(url, body, format="json"), CALLERS
    )
    assert {r.status_code for r in responses} <= {200, 201, 207}
    assert sum(r.json()["created"] for r in responses) == 50
    assert Event.all_tenants.filter(tenant=tenant).count() == 50
    assert Customer.all_tenants.filter(tenant=tenant).count() == 10
    assert StageChange.all_tenants.filter(tenant=tenant).count() == 10


def test_50_requests_with_one_idempotency_key_have_one_effect(tenant):
    secret = ApiKeyFactory(tenant=tenant).secret
    url = f"/api/v1/tenants/{tenant.slug}/customers/"
    body = {"external_id": "once", "email": "once@example.com"}

    responses = run_concurrently(
        lambda: client_for_key(secret).post(
            url, body, format="json", HTTP_IDEMPOTENCY_KEY="one-key"
        ),
        CALLERS,
    )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, statuses
    created = [r.json() for r in responses if r.status_code == 201]
    assert created and all(c["id"] == created[0]["id"] for c in created)  # replays
    conflicts = [r.json()["code"] for r in responses if r.status_code == 409]
    assert set(conflicts) <= {"idempotency_in_progress"}
    assert Customer.all_tenants.filter(tenant=tenant, external_id="once").count() == 1


def _history(tenant, now):
    for n in range(30):
        customer = CustomerFactory(
            tenant=tenant,
            stage="customer",
            created_at=now - timedelta(days=60),
            became_customer_at=now - timedelta(days=50),
        )
        for day in range(n % 7):
            EventFactory(
                tenant=tenant,
                customer=customer,
                kind="login",
                occurred_at=now - timedelta(days=day + 1),
            )


def test_overlapping_snapshots_of_one_period_leave_one_row_with_one_runs_values(tenant):
    now = datetime(2026, 11, 15, 12, tzinfo=UTC)
    _history(tenant, now)

    def compute():
        with tenant_scope(tenant):
            return snapshot_compute(
                tenant=tenant, granularity="month", day=now.date(), now=now
            ).values

    outcomes = run_concurrently(compute, 10)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    rows = KpiSnapshot.all_tenants.filter(tenant=tenant, granularity="month")
    assert rows.count() == 1
    with tenant_scope(tenant):
        alone = snapshot_compute(tenant=tenant, granularity="month", day=now.date(), now=now)
    assert all(values == alone.values for values in outcomes)


def test_overlapping_health_runs_of_one_tenant_write_what_one_run_writes(tenant):
    now = datetime(2026, 11, 15, 12, tzinfo=UTC)
    _history(tenant, now)

    def recompute():
        with tenant_scope(tenant):
            return health_recompute(tenant=tenant, as_of=now)

    outcomes = run_concurrently(recompute, 10)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    scored = CustomerHealth.all_tenants.filter(customer__tenant=tenant)
    assert scored.count() == 30
    assert sum(o["customers"] for o in outcomes) == 30  # one run scored them, the rest none
    alerts = HealthAlert.all_tenants.filter(tenant=tenant)
    assert alerts.count() == alerts.values("customer", "kind", "started_at").distinct().count()
    changes = HealthChange.all_tenants.filter(tenant=tenant)
    assert changes.count() == changes.values("customer", "changed_at").distinct().count()
    assert HealthSummary.all_tenants.filter(tenant=tenant).count() == 1


def test_approve_and_void_at_once_one_wins_the_other_is_409(tenant):
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN).user
    for _ in range(10):  # ten rounds, each a fresh pending reward
        reward = RewardFactory(tenant=tenant, status="pending")
        base = f"/api/v1/tenants/{tenant.slug}/rewards/{reward.pk}"
        moves = ["approve", "void"]

        def move(base=base, moves=moves):
            return client_for_user(admin).post(f"{base}/{moves.pop()}/", {}, format="json")

        responses = run_concurrently(move, 2)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [r.content for r in responses]
        final = Reward.all_tenants.get(pk=reward.pk).status
        winner = next(r for r in responses if r.status_code == 200).json()["status"]
        assert final == winner in ("approved", "voided")
