"""Answers that broke generated clients now match the schema (issue 11, point 6)."""

import pytest

from tests.customers.factories import CustomerFactory, EventFactory
from tests.referrals.factories import ReferralFactory
from tests.ugc.factories import UGCRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(tenant, owner_client):
    return owner_client, f"/api/v1/tenants/{tenant.slug}"


def test_a_referral_without_rejection_answers_null_not_an_empty_string(tenant, api):
    client, base = api
    referral = ReferralFactory(tenant=tenant)
    body = client.get(f"{base}/referrals/{referral.pk}/").json()
    assert body["rejection_reason"] is None and body["fraud_signals"] == []


def test_unset_ugc_urls_answer_null(tenant, api):
    client, base = api
    request = UGCRequestFactory(tenant=tenant)
    body = client.get(f"{base}/ugc-requests/{request.pk}/").json()
    assert body["media_url"] is None and body["published_url"] is None


def test_the_bulk_answer_echoes_only_text_external_ids(api):
    client, base = api
    response = client.post(
        f"{base}/customers/bulk/", {"customers": [{"external_id": {"x": 1}}]}, format="json"
    )
    result = response.json()["results"][0]
    assert result["status"] == "rejected" and result["external_id"] is None


def test_a_timeline_event_value_is_a_decimal_string_like_in_events(tenant, api):
    client, base = api
    customer = CustomerFactory(tenant=tenant)
    EventFactory(
        tenant=tenant,
        customer=customer,
        kind="payment",
        value="12.50",
        properties={"status": "paid"},
    )
    timeline = client.get(f"{base}/customers/{customer.pk}/timeline/").json()["results"]
    event = next(entry for entry in timeline if entry["type"] == "event")
    assert event["data"]["value"] == "12.50"


def test_the_ranking_answers_a_bare_list(tenant, api):
    from tests.segments.factories import MarketSegmentFactory

    client, base = api
    MarketSegmentFactory(tenant=tenant)
    body = client.get(f"{base}/market-segments/ranking/").json()
    assert isinstance(body, list) and body[0]["rank"] == 1
