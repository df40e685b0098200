"""The whole referral loop through the API: program -> link -> click -> signup -> payment ->
qualified -> two rewards -> holding period -> approved."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from referrals.models import Click, Referral, Reward
from referrals.services.rewards import rewards_approve_due
from tests.customers.factories import CustomerFactory

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"


@pytest.mark.django_db
def test_a_double_sided_program_runs_end_to_end(
    tenant, member_client, client, django_capture_on_commit_callbacks
):
    # given: an admin, a program and a paying customer who refers
    admin, _ = member_client(Role.ADMIN)
    base = f"/api/v1/tenants/{tenant.slug}"
    referrer = CustomerFactory(tenant=tenant, stage="customer", email="ann@example.com")
    program = admin.post(
        f"{base}/referral-programs/",
        {
            "name": "Give 20, get 10 %",
            "landing_url": "https://shop.example.com/join?src=ref",
            "referrer_reward_kind": "credit",
            "referrer_reward_amount": "20.00",
            "referee_reward_kind": "discount_percent",
            "referee_reward_amount": "10.00",
            "qualification": "first_payment",
            "min_payment_amount": "30.00",
            "holding_days": 14,
        },
        format="json",
    )
    assert program.status_code == 201, program.content
    link = admin.post(
        f"{base}/referral-links/",
        {"customer": referrer.pk, "program": program.json()["id"]},
        format="json",
    )
    assert link.status_code == 201, link.content
    code = link.json()["code"]
    assert link.json()["url"].endswith(f"/r/{code}")

    # when: a visitor clicks the link
    click = client.get(f"/r/{code}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")
    # then: 302 with ref added and the existing query kept, cookie set, click stored
    assert click.status_code == 302
    target = urlsplit(click["Location"])
    assert parse_qs(target.query) == {"src": ["ref"], "ref": [code]}
    assert click.cookies["fw_ref"].value == code
    assert Click.all_tenants.filter(link__code=code, counted=True).count() == 1

    # when: the visitor signs up with the code, then pays too little, then enough
    with django_capture_on_commit_callbacks(execute=True):
        signup = admin.post(
            f"{base}/customers/",
            {
                "external_id": "bob",
                "email": "bob@example.org",
                "referral_code": code,
                "signup_ip": "203.0.113.9",
                "signup_user_agent": BROWSER,
            },
            format="json",
        )
    assert signup.status_code == 201, signup.content
    bob = Customer.all_tenants.get(tenant=tenant, external_id="bob")
    assert bob.acquisition_channel == "referral" and bob.referred_by_id == referrer.pk
    referral = Referral.all_tenants.get(referee=bob)
    assert referral.status == "pending" and referral.clicked_at is not None
    paid_at = timezone.now() - timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"{base}/events/bulk/",
            {
                "events": [
                    {
                        "id": "p1",
                        "customer_external_id": "bob",
                        "kind": "payment",
                        "value": "10.00",
                        "properties": {"status": "paid"},
                        "occurred_at": (paid_at - timedelta(minutes=1)).isoformat(),
                    },
                ]
            },
            format="json",
        )
    referral.refresh_from_db()
    assert referral.status == "pending"  # below the minimum
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"{base}/events/bulk/",
            {
                "events": [
                    {
                        "id": "p2",
                        "customer_external_id": "bob",
                        "kind": "payment",
                        "value": "49.00",
                        "properties": {"status": "paid"},
                        "occurred_at": paid_at.isoformat(),
                    },
                ]
            },
            format="json",
        )

    # then: qualified, exactly two rewards, the referrer is an advocate
    referral.refresh_from_db()
    assert referral.status == "qualified" and referral.qualified_at == paid_at
    rewards = Reward.all_tenants.filter(referral=referral).order_by("side")
    assert [(r.side, r.kind, str(r.amount), r.status) for r in rewards] == [
        ("referee", "discount_percent", "10.00", "pending"),
        ("referrer", "credit", "20.00", "pending"),
    ]
    referrer.refresh_from_db()
    assert referrer.stage == "advocate"
    listed = admin.get(f"{base}/referral-links/{link.json()['id']}/").json()
    assert (listed["clicks"], listed["referrals"], listed["qualified_referrals"]) == (1, 1, 1)

    # when: the holding period passes
    with tenant_scope(tenant):
        early = rewards_approve_due(tenant=tenant, now=paid_at + timedelta(days=13))
        late = rewards_approve_due(tenant=tenant, now=paid_at + timedelta(days=15))
    # then
    assert early == {"voided": 0, "approved": 0}
    assert late == {"voided": 0, "approved": 2}
    assert set(Reward.all_tenants.filter(referral=referral).values_list("status", flat=True)) == {
        "approved"
    }
