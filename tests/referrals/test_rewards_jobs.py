"""Periodic jobs: approval after the holding period with clawback, expiry; concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from customers.models import Event
from flywheel.core.tenancy import tenant_scope
from referrals.models import Referral, Reward
from referrals.services.qualification import referrals_qualify_by_payment
from referrals.services.rewards import referrals_expire, rewards_approve_due
from tests.customers.factories import EventFactory
from tests.referrals.factories import ReferralFactory, RewardFactory

pytestmark = pytest.mark.django_db


def _due(tenant, now):
    with tenant_scope(tenant):
        return rewards_approve_due(tenant=tenant, now=now)


def test_a_reward_whose_referee_churned_in_the_holding_period_is_voided():
    # given
    reward = RewardFactory()
    referee = reward.referral.referee
    referee.churned_at = timezone.now()
    referee.save()
    # when
    counts = _due(reward.tenant, reward.approve_after + timedelta(minutes=1))
    # then
    reward.refresh_from_db()
    assert counts == {"voided": 1, "approved": 0}
    assert reward.status == "voided" and "churned" in reward.void_reason


def test_a_reward_whose_payment_failed_in_the_holding_period_is_voided():
    # given
    now = timezone.now()
    reward = RewardFactory(referral__qualified_at=now - timedelta(days=1))
    EventFactory(
        tenant=reward.tenant,
        customer=reward.referral.referee,
        kind="payment",
        value=10,
        properties={"status": "failed"},
        occurred_at=now,
    )
    # when
    _due(reward.tenant, reward.approve_after + timedelta(minutes=1))
    # then
    reward.refresh_from_db()
    assert reward.status == "voided" and "payment" in reward.void_reason


def test_rewards_held_for_review_are_not_approved_automatically():
    reward = RewardFactory(needs_manual_approval=True)
    assert _due(reward.tenant, reward.approve_after + timedelta(days=1)) == {
        "voided": 0,
        "approved": 0,
    }


def test_running_the_approval_twice_approves_once():
    reward = RewardFactory()
    later = reward.approve_after + timedelta(minutes=1)
    assert _due(reward.tenant, later)["approved"] == 1
    assert _due(reward.tenant, later)["approved"] == 0


def test_pending_referrals_past_the_window_expire_once():
    # given
    referral = ReferralFactory(attributed_at=timezone.now() - timedelta(days=31))
    fresh = ReferralFactory(tenant=referral.tenant, link=referral.link)
    # when
    with tenant_scope(referral.tenant):
        first = referrals_expire(tenant=referral.tenant)
        second = referrals_expire(tenant=referral.tenant)
    # then
    assert (first, second) == (1, 0)
    assert Referral.all_tenants.get(pk=referral.pk).status == "expired"
    assert Referral.all_tenants.get(pk=fresh.pk).status == "pending"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_of_the_qualifying_payment_create_two_rewards():
    # given: a pending referral and its referee's qualifying payment
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
    barrier, errors = threading.Barrier(20), []

    def deliver():
        try:
            barrier.wait()
            with tenant_scope(referral.tenant):
                referrals_qualify_by_payment(customer_ids=[referral.referee_id])
        except Exception as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert Reward.all_tenants.filter(referral=referral).count() == 2
    assert Referral.all_tenants.get(pk=referral.pk).status == "qualified"
