"""Periodic jobs: approval after the holding period with clawback, expiry; concurrency."""

from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.core.tenancy import tenant_scope
from referrals.models import Referral
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
