"""Referral API: links (one active per referrer and program), referrals, reward transitions."""

import pytest

from accounts.roles import Role
from referrals.models import Reward
from tests.customers.factories import CustomerFactory
from tests.referrals.factories import (
    ReferralFactory,
    ReferralLinkFactory,
    ReferralProgramFactory,
    RewardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(member_client):
    client, _ = member_client(Role.ADMIN)
    return client


def test_a_referrer_has_one_active_link_per_program_and_force_new_replaces_it(tenant, admin):
    # given
    program = ReferralProgramFactory(tenant=tenant)
    referrer = CustomerFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/referral-links/"
    body = {"customer": referrer.pk, "program": program.pk}
    # when
    first = admin.post(url, body, format="json")
    again = admin.post(url, body, format="json")
    forced = admin.post(url, {**body, "force_new": True}, format="json")
    # then
    assert (first.status_code, again.status_code, forced.status_code) == (201, 200, 201)
    assert first.json()["code"] == again.json()["code"] != forced.json()["code"]
    listed = admin.get(url, {"active": "true"}).json()["results"]
    assert [link["code"] for link in listed] == [forced.json()["code"]]


def test_a_referrer_of_another_tenant_in_the_body_is_400(tenant, admin):
    # given
    program = ReferralProgramFactory(tenant=tenant)
    foreigner = CustomerFactory()  # another tenant
    # when
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/referral-links/",
        {"customer": foreigner.pk, "program": program.pk},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "customer"


def test_a_program_of_another_tenant_in_the_body_is_400(tenant, admin):
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/referral-links/",
        {"customer": CustomerFactory(tenant=tenant).pk, "program": ReferralProgramFactory().pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "program"


def test_members_cannot_manage_programs(tenant, member_client):
    client, _ = member_client(Role.MEMBER)
    response = client.post(f"/api/v1/tenants/{tenant.slug}/referral-programs/", {}, format="json")
    assert response.status_code == 403


def test_referral_created_by_code_and_listed_with_filters(tenant, admin):
    # given
    link = ReferralLinkFactory(tenant=tenant)
    referee = CustomerFactory(tenant=tenant)
    base = f"/api/v1/tenants/{tenant.slug}/referrals/"
    # when
    created = admin.post(base, {"code": link.code, "referee": referee.pk}, format="json")
    pending = admin.get(base, {"status": "pending"}).json()["results"]
    rejected = admin.get(base, {"status": "rejected"}).json()["results"]
    # then
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert [r["referee"] for r in pending] == [referee.pk] and rejected == []


def test_an_unknown_code_is_400(tenant, admin):
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/referrals/",
        {"code": "nope", "referee": CustomerFactory(tenant=tenant).pk},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "code"


def test_manual_qualification_creates_two_rewards_and_a_second_try_is_409(tenant, admin):
    # given
    referral = ReferralFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/referrals/{referral.pk}/qualify/"
    # when
    first, second = admin.post(url), admin.post(url)
    # then
    assert first.status_code == 200 and first.json()["status"] == "qualified"
    assert second.status_code == 409
    assert Reward.all_tenants.filter(referral=referral).count() == 2


def test_reward_transitions_follow_the_life_cycle(tenant, admin):
    # given
    reward = RewardFactory(tenant=tenant)
    base = f"/api/v1/tenants/{tenant.slug}/rewards/{reward.pk}"
    # when / then: issue before approve is a conflict
    early = admin.post(f"{base}/issue/")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    assert admin.post(f"{base}/approve/").json()["status"] == "approved"
    assert admin.post(f"{base}/approve/").status_code == 409
    assert admin.post(f"{base}/issue/").json()["status"] == "issued"
    assert admin.post(f"{base}/void/", {"reason": "late"}, format="json").status_code == 409


def test_voiding_records_the_reason(tenant, admin):
    reward = RewardFactory(tenant=tenant)
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/rewards/{reward.pk}/void/",
        {"reason": "chargeback"},
        format="json",
    )
    assert response.json()["status"] == "voided"
    assert response.json()["void_reason"] == "chargeback"


def test_members_cannot_approve_rewards(tenant, member_client):
    client, _ = member_client(Role.MEMBER)
    reward = RewardFactory(tenant=tenant)
    response = client.post(f"/api/v1/tenants/{tenant.slug}/rewards/{reward.pk}/approve/")
    assert response.status_code == 403
