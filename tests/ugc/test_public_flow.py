"""From an NPS of 10 to a published testimonial, and every refusal on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from flywheel.core.models import DomainEvent
from flywheel.core.tenancy import tenant_scope
from referrals.models import ReferralLink
from tests.customers.factories import CustomerFactory
from tests.referrals.factories import ReferralProgramFactory
from tests.ugc.factories import UGCRequestFactory
from ugc.models import UGCRequest
from ugc.services.automation import ugc_rules_ensure_defaults
from ugc.services.requests import ugc_requests_expire, ugc_requests_remind

pytestmark = pytest.mark.django_db


def _public(token):
    return f"/api/v1/public/ugc/{token}"


def test_an_nps_of_10_becomes_a_published_testimonial(
    tenant, member_client, key_client, api_client, django_capture_on_commit_callbacks
):
    # given
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    ReferralProgramFactory(tenant=tenant, is_default=True)
    customer = CustomerFactory(tenant=tenant, name="Secret Name", email="secret@example.org")
    api, _ = key_client()
    member, _ = member_client(Role.MEMBER)
    # when: the promoter's answer is ingested
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            f"/api/v1/tenants/{tenant.slug}/events/bulk/",
            {"events": [{"id": "n1", "customer": customer.pk, "kind": "nps", "value": 10}]},
            format="json",
        )
    # then: a testimonial request with a working public link
    request = UGCRequest.all_tenants.get(customer=customer)
    assert (request.kind, request.trigger, request.status) == (
        "testimonial",
        "promoter",
        "requested",
    )
    created = DomainEvent.all_tenants.get(name="ugc_request.created")
    # the link points at the hosted page (issue 14); the JSON flow stays for frontends
    assert created.payload["public_url"].endswith(f"/p/ugc/{request.token}")
    page = api_client.get(_public(request.token))
    assert page.status_code == 200
    assert set(page.json()) == {"tenant_name", "kind", "prompt", "due_at", "status"}
    assert "Secret Name" not in page.content.decode() and "secret@" not in page.content.decode()
    # when: the customer submits with consent, a member approves and publishes
    submitted = api_client.post(
        _public(request.token), {"text": "Love it", "rating": 5, "consent": True}, format="json"
    )
    base = f"/api/v1/tenants/{tenant.slug}/ugc-requests/{request.pk}"
    approved = member.post(f"{base}/approve/", {"note": "nice"}, format="json")
    published = member.post(
        f"{base}/publish/", {"published_url": "https://x.example/t/1"}, format="json"
    )
    # then
    assert submitted.json()["status"] == "submitted"
    assert approved.json()["status"] == "approved"
    assert published.json()["status"] == "published"
    # and the happy customer was invited to refer (closing the loop)
    assert ReferralLink.all_tenants.filter(referrer=customer).exists()


def test_publishing_without_consent_is_400(tenant, owner_client, api_client):
    request = UGCRequestFactory(tenant=tenant)
    api_client.post(_public(request.token), {"text": "ok", "consent": False}, format="json")
    base = f"/api/v1/tenants/{tenant.slug}/ugc-requests/{request.pk}"
    owner_client.post(f"{base}/approve/")
    response = owner_client.post(f"{base}/publish/")
    assert response.status_code == 400 and response.json()["code"] == "consent_missing"


def test_invalid_transitions_are_409(tenant, owner_client):
    request = UGCRequestFactory(tenant=tenant)
    base = f"/api/v1/tenants/{tenant.slug}/ugc-requests/{request.pk}"
    assert owner_client.post(f"{base}/approve/").status_code == 409
    assert owner_client.post(f"{base}/publish/").status_code == 409


def test_a_second_submission_is_409_and_a_decline_closes(api_client):
    request, other = UGCRequestFactory(), UGCRequestFactory()
    assert api_client.post(_public(request.token), {"text": "a"}, format="json").status_code == 200
    assert api_client.post(_public(request.token), {"text": "b"}, format="json").status_code == 409
    declined = api_client.post(_public(other.token), {"decline": True}, format="json")
    assert declined.json()["status"] == "declined"


def test_expired_and_unknown_tokens(api_client):
    expired = UGCRequestFactory(due_at=timezone.now() - timedelta(minutes=1))
    assert api_client.get(_public(expired.token)).status_code == 410
    assert (
        api_client.post(_public(expired.token), {"text": "late"}, format="json").status_code == 410
    )
    assert api_client.get(_public("no-such-token")).status_code == 404
    assert api_client.post(_public("no-such-token"), {}, format="json").status_code == 404


def test_an_empty_submission_or_bad_rating_is_400(api_client):
    request = UGCRequestFactory()
    assert api_client.post(_public(request.token), {}, format="json").status_code == 400
    assert (
        api_client.post(
            _public(request.token), {"text": "x", "rating": 6}, format="json"
        ).status_code
        == 400
    )


def test_a_manual_request_and_a_second_open_one_of_the_kind(tenant, owner_client):
    customer = CustomerFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/ugc-requests/"
    first = owner_client.post(url, {"customer": customer.pk, "kind": "video"}, format="json")
    second = owner_client.post(url, {"customer": customer.pk, "kind": "video"}, format="json")
    assert first.status_code == 201 and first.json()["trigger"] == "manual"
    assert second.status_code == 409


def test_reminders_go_out_once_and_overdue_requests_expire(tenant):
    # given
    now = timezone.now()
    due = UGCRequestFactory(tenant=tenant, remind_at=now - timedelta(hours=1))
    later = UGCRequestFactory(tenant=tenant, remind_at=now + timedelta(days=1))
    overdue = UGCRequestFactory(
        tenant=tenant, due_at=now - timedelta(minutes=1), remind_at=now - timedelta(days=10)
    )
    # when
    with tenant_scope(tenant):
        reminded = (ugc_requests_remind(tenant=tenant), ugc_requests_remind(tenant=tenant))
        expired = (ugc_requests_expire(tenant=tenant), ugc_requests_expire(tenant=tenant))
    # then
    assert reminded == (1, 0) and expired == (1, 0)
    statuses = dict(UGCRequest.all_tenants.values_list("pk", "status"))
    assert statuses == {due.pk: "reminded", later.pk: "requested", overdue.pk: "expired"}


def test_the_public_page_is_rate_limited(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "2/min"}
    request = UGCRequestFactory()
    codes = [api_client.get(_public(request.token)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
