"""Referral admin: every screen renders, counters equal the API's, reward actions work."""

import re

import pytest
from django.urls import reverse

from referrals.models import Click, Reward
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory, ReferralLinkFactory, RewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["referralprogram", "referrallink", "referral", "reward"])
def test_every_referral_admin_list_renders(staff, model):
    RewardFactory()
    assert staff.get(reverse(f"admin:referrals_{model}_changelist")).status_code == 200


def test_link_counters_in_the_admin_equal_the_api(staff, member_client, tenant):
    # given
    link = ReferralLinkFactory(tenant=tenant)
    for i in range(3):
        Click.all_tenants.create(tenant=tenant, link=link, visitor_id=f"v{i}", counted=i < 2)
    ReferralFactory(tenant=tenant, link=link, status="qualified")
    ReferralFactory(tenant=tenant, link=link)
    client, _ = member_client()
    # when
    api = client.get(f"/api/v1/tenants/{tenant.slug}/referral-links/{link.pk}/").json()
    page = staff.get(reverse("admin:referrals_referrallink_changelist")).content.decode()
    # then
    assert (api["clicks"], api["referrals"], api["qualified_referrals"]) == (2, 2, 1)
    row = re.search(rf"{link.code}.*?</tr>", page, re.S)[0]
    cells = re.findall(r'<td class="field-(clicks|referrals|qualified)">(\d+)</td>', row)
    assert dict(cells) == {"clicks": "2", "referrals": "2", "qualified": "1"}


def test_approve_and_void_actions(staff):
    pending, other = RewardFactory(), RewardFactory()
    url = reverse("admin:referrals_reward_changelist")
    staff.post(
        url, {"action": "approve_rewards", "confirmed": "yes", "_selected_action": [pending.pk]}
    )
    staff.post(url, {"action": "void_rewards", "confirmed": "yes", "_selected_action": [other.pk]})
    assert Reward.all_tenants.get(pk=pending.pk).status == "approved"
    assert Reward.all_tenants.get(pk=other.pk).status == "voided"


def test_rejected_referrals_show_their_reason(staff):
    referral = ReferralFactory(status="rejected", rejection_reason="self_referral")
    page = staff.get(reverse("admin:referrals_referral_changelist")).content.decode()
    assert "Self referral" in page and str(referral.pk) in page
