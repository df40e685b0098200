"""Each rejection reason, the soft fraud signals, and the referee's channel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from referrals.models import Click, Referral, Reward
from referrals.services.attribution import referral_create
from tests.customers.factories import CustomerFactory
from tests.referrals.factories import ReferralFactory, ReferralLinkFactory

pytestmark = pytest.mark.django_db


def _refer(link, referee, **context):
    with tenant_scope(link.tenant):
        return referral_create(tenant=link.tenant, referee=referee, code=link.code, context=context)


def _reason(referral):
    return referral.status, referral.rejection_reason


def test_a_clean_referral_is_pending_and_marks_the_referee_as_referred():
    # given
    link = ReferralLinkFactory()
    referee = CustomerFactory(tenant=link.tenant, email="new@example.org")
    # when
    referral = _refer(link, referee)
    # then
    assert _reason(referral) == ("pending", "")
    referee.refresh_from_db()
    assert referee.acquisition_channel == "referral"
    assert referee.referred_by_id == link.referrer_id


def test_referring_yourself_is_rejected_as_self_referral():
    link = ReferralLinkFactory()
    assert _reason(_refer(link, link.referrer)) == ("rejected", "self_referral")


def test_the_same_mailbox_with_dots_and_tags_is_a_self_referral():
    # given
    link = ReferralLinkFactory(referrer__email="ann.smith@gmail.com")
    referee = CustomerFactory(tenant=link.tenant, email="AnnSmith+promo@googlemail.com")
    # when / then
    assert _reason(_refer(link, referee)) == ("rejected", "self_referral")
    referee.refresh_from_db()
    assert referee.acquisition_channel != "referral"


def test_someone_who_was_a_customer_before_the_click_is_rejected_as_existing_customer():
    # given
    link = ReferralLinkFactory()
    past = timezone.now() - timedelta(days=100)
    referee = CustomerFactory(
        tenant=link.tenant, stage="customer", created_at=past, became_customer_at=past
    )
    # when / then
    assert _reason(_refer(link, referee)) == ("rejected", "existing_customer")


def test_a_referee_with_a_live_referral_is_rejected_as_duplicate():
    # given
    first = ReferralFactory()
    other_link = ReferralLinkFactory(tenant=first.tenant)
    # when / then
    assert _reason(_refer(other_link, first.referee)) == ("rejected", "duplicate")


def test_a_signup_long_after_the_click_is_rejected_as_window_expired():
    # given
    link = ReferralLinkFactory(program__attribution_window_days=30)
    old = Click.all_tenants.create(
        tenant=link.tenant,
        link=link,
        visitor_id="v",
        occurred_at=timezone.now() - timedelta(days=31),
    )
    referee = CustomerFactory(tenant=link.tenant)
    # when
    referral = _refer(link, referee)
    # then
    assert _reason(referral) == ("rejected", "window_expired")
    assert referral.clicked_at == old.occurred_at


def test_a_referrer_at_the_cap_is_rejected_as_cap_reached():
    # given
    link = ReferralLinkFactory(program__max_rewards_per_referrer=1)
    ReferralFactory(tenant=link.tenant, link=link, status="qualified")
    # when / then
    assert _reason(_refer(link, CustomerFactory(tenant=link.tenant))) == ("rejected", "cap_reached")


@pytest.mark.parametrize("inactive", ["program", "link"])
def test_an_inactive_program_or_link_is_rejected_as_program_inactive(inactive):
    # given
    link = ReferralLinkFactory()
    target = link.program if inactive == "program" else link
    target.active = False
    target.save()
    # when / then
    assert _reason(_refer(link, CustomerFactory(tenant=link.tenant))) == (
        "rejected",
        "program_inactive",
    )


def test_soft_signals_flag_the_referral_instead_of_rejecting_it():
    # given: the referee signs up from the referrer's device with a disposable address
    link = ReferralLinkFactory(referrer__signup_ip_hash="h" * 64, referrer__signup_user_agent="UA")
    referee = CustomerFactory(
        tenant=link.tenant,
        email="x@mailinator.com",
        signup_ip_hash="h" * 64,
        signup_user_agent="UA",
    )
    # when
    referral = _refer(link, referee)
    # then
    assert referral.status == "pending"
    assert referral.fraud_signals == ["same_ip_and_user_agent_as_referrer", "disposable_email"]


def test_a_burst_of_referrals_flags_the_next_one():
    # given
    link = ReferralLinkFactory()
    for _ in range(5):
        ReferralFactory(tenant=link.tenant, link=link)
    # when
    referral = _refer(link, CustomerFactory(tenant=link.tenant))
    # then
    assert "referral_burst" in referral.fraud_signals


def test_a_flagged_referral_holds_its_rewards_for_a_person(django_capture_on_commit_callbacks):
    # given
    link = ReferralLinkFactory(program__qualification="signup")
    referee = CustomerFactory(tenant=link.tenant, email="y@yopmail.com")
    # when
    referral = _refer(link, referee)
    # then
    assert referral.status == "qualified"
    rewards = Reward.all_tenants.filter(referral=referral)
    assert rewards.count() == 2
    assert {r.needs_manual_approval for r in rewards} == {True}


def test_a_customer_created_through_the_api_with_a_code_of_another_tenant_gets_400(
    tenant, member_client
):
    # given
    foreign = ReferralLinkFactory()
    client, _ = member_client()
    # when
    response = client.post(
        f"/api/v1/tenants/{tenant.slug}/customers/",
        {"external_id": "z", "referral_code": foreign.code},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "referral_code"
    assert not Customer.all_tenants.filter(tenant=tenant, external_id="z").exists()
    assert not Referral.all_tenants.exists()
