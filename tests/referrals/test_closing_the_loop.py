"""Seed 001's loop: a promoter gets a link to the default program and a referral.invited."""

import pytest

from flywheel.core.models import DomainEvent
from referrals.models import ReferralLink
from tests.customers.factories import CustomerFactory
from tests.referrals.factories import ReferralProgramFactory

pytestmark = pytest.mark.django_db


def _send_nps(client, tenant, customer, score, capture):
    with capture(execute=True):
        client.post(
            f"/api/v1/tenants/{tenant.slug}/events/bulk/",
            {
                "events": [
                    {
                        "id": f"nps-{customer.pk}-{score}",
                        "customer": customer.pk,
                        "kind": "nps",
                        "value": score,
                    },
                ]
            },
            format="json",
        )


def test_a_promoter_is_invited_with_a_link_to_the_default_program(
    tenant, key_client, django_capture_on_commit_callbacks
):
    # given
    client, _ = key_client()
    program = ReferralProgramFactory(tenant=tenant, is_default=True)
    promoter, passive = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    # when
    _send_nps(client, tenant, promoter, 10, django_capture_on_commit_callbacks)
    _send_nps(client, tenant, passive, 8, django_capture_on_commit_callbacks)
    # then
    link = ReferralLink.all_tenants.get(referrer=promoter)
    assert link.program_id == program.pk
    assert not ReferralLink.all_tenants.filter(referrer=passive).exists()
    invited = DomainEvent.all_tenants.get(tenant=tenant, name="referral.invited")
    assert invited.payload["code"] == link.code
    assert invited.payload["url"].endswith(f"/r/{link.code}")


def test_without_a_default_program_nobody_is_invited(
    tenant, key_client, django_capture_on_commit_callbacks
):
    client, _ = key_client()
    ReferralProgramFactory(tenant=tenant, is_default=False)
    _send_nps(
        client, tenant, CustomerFactory(tenant=tenant), 10, django_capture_on_commit_callbacks
    )
    assert not ReferralLink.all_tenants.exists()
