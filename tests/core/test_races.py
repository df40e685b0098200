"""Parallel creates end in one row, or in distinct rows where that is the rule (issue 11, 7)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Tenant
from accounts.roles import Role
from referrals.models import ReferralLink
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.concurrency import run_concurrently
from tests.customers.factories import CustomerFactory
from tests.referrals.factories import ReferralProgramFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_twenty_parallel_link_creates_give_one_active_link(tenant):
    owner = MembershipFactory(tenant=tenant, role=Role.OWNER).user
    program = ReferralProgramFactory(tenant=tenant)
    referrer = CustomerFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/referral-links/"
    body = {"customer": referrer.pk, "program": program.pk}

    responses = run_concurrently(lambda: _session(owner).post(url, body, format="json"), 20)

    assert sorted({r.status_code for r in responses}) in ([200, 201], [201])
    assert len({r.json()["code"] for r in responses}) == 1
    assert ReferralLink.all_tenants.filter(referrer=referrer, active=True).count() == 1


def test_twenty_parallel_tenant_creates_from_one_name_all_succeed_with_free_slugs():
    user = UserFactory()
    responses = run_concurrently(
        lambda: _session(user).post("/api/v1/tenants/", {"name": "Acme"}, format="json"), 20
    )
    assert [r.status_code for r in responses] == [201] * 20
    slugs = {r.json()["slug"] for r in responses}
    assert len(slugs) == 20 and "acme" in slugs
    assert Tenant.objects.filter(name="Acme").count() == 20


def test_twenty_parallel_member_adds_give_one_membership_and_409s(tenant):
    owner = MembershipFactory(tenant=tenant, role=Role.OWNER).user
    newcomer = UserFactory()
    url = f"/api/v1/tenants/{tenant.slug}/members/"
    responses = run_concurrently(
        lambda: _session(owner).post(url, {"email": newcomer.email}, format="json"), 20
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1 and codes.count(409) == 19
    assert Membership.all_tenants.filter(tenant=tenant, user=newcomer).count() == 1
