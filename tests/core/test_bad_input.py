"""Every bad input is a 4xx problem naming the field, and nothing is written (issue 11, 2/5/8)."""

import json

import pytest

from customers.models import Customer, Event
from segments.models import CustomerSegment, ScoringModel
from tests.customers.factories import CustomerFactory, EventFactory
from tests.segments.factories import CustomerSegmentFactory, ScoringModelFactory
from tests.ugc.factories import UGCRuleFactory
from ugc.models import UGCRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(tenant, owner_client):
    """(client, base URL) of the tenant's owner."""
    return owner_client, f"/api/v1/tenants/{tenant.slug}"


def _fields(response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


def _nested(depth: int) -> str:
    """Raw JSON nested `depth` deep (Python's own encoder stops before 1,000)."""
    return '{"a":' * depth + '"x"' + "}" * depth


# -- times in the window ---------------------------------------------------------------------


def test_a_bc_time_is_refused_by_the_single_and_the_bulk_event_endpoints(tenant, api):
    client, base = api
    CustomerFactory(tenant=tenant, external_id="c-1")
    event = {
        "id": "bc",
        "customer_external_id": "c-1",
        "kind": "login",
        "occurred_at": "0001-01-01T00:00:00+14:00",
    }
    single = client.post(f"{base}/events/", event, format="json")
    bulk = client.post(f"{base}/events/bulk/", {"events": [event]}, format="json")
    assert single.status_code == 400 and _fields(single) == ["occurred_at"]
    assert bulk.status_code == 200 and bulk.json()["results"][0]["status"] == "rejected"
    assert bulk.json()["results"][0]["errors"][0]["code"] == "out_of_range"
    assert Event.all_tenants.count() == 0


@pytest.mark.parametrize(
    "value", ["4882-02-07T08:57:54+18:28", "1899-12-31T23:59:59Z", "2100-01-01T00:00:00Z"]
)
def test_filters_outside_the_window_or_with_huge_offsets_are_400(api, value):
    client, base = api
    response = client.get(f"{base}/events/", {"occurred_before": value})
    assert response.status_code == 400 and _fields(response) == ["occurred_before"]


def test_ordering_events_by_time_works_with_times_at_the_window_edges(tenant, api):
    client, base = api
    CustomerFactory(tenant=tenant, external_id="c-1")
    for sender_id, at in (("old", "1900-01-01T00:00:00Z"), ("new", "2026-01-01T00:00:00Z")):
        body = {"id": sender_id, "customer_external_id": "c-1", "kind": "login", "occurred_at": at}
        assert client.post(f"{base}/events/", body, format="json").status_code == 201
    listed = client.get(f"{base}/events/", {"ordering": "occurred_at"})
    assert [e["id"] for e in listed.json()["results"]] == ["old", "new"]


@pytest.mark.parametrize("value", ["2026-13-45", "9999-01-01"])
def test_impossible_and_far_dates_are_400(api, value):
    client, base = api
    response = client.post(
        f"{base}/kpis/compute/",
        {"granularity": "month", "since": value, "until": value},
        format="json",
    )
    assert response.status_code == 400 and _fields(response) == ["since", "until"]


def test_a_range_of_a_million_days_is_refused_before_any_period_is_built(api):
    client, base = api
    response = client.post(
        f"{base}/kpis/compute/",
        {"granularity": "day", "since": "1900-01-01", "until": "2099-12-31"},
        format="json",
    )
    assert response.status_code == 400 and "At most 1000 periods" in response.json()["errors"][0][
        "message"
    ].replace(",", "")


def test_a_timeline_cursor_outside_the_window_is_400(tenant, api):
    client, base = api
    customer = CustomerFactory(tenant=tenant)
    response = client.get(f"{base}/customers/{customer.pk}/timeline/", {"before": "0001-01-01"})
    assert response.status_code == 400 and _fields(response) == ["before"]


# -- JSON that cannot be stored ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["nul\u0000here", "lone\ud800surrogate"])
def test_nul_and_lone_surrogates_are_400_naming_the_field(tenant, api, text):
    client, base = api
    body = json.dumps({"name": "ok", "attributes": {"note": text}})  # raw JSON escapes
    response = client.post(f"{base}/customers/", body, content_type="application/json")
    assert response.status_code == 400 and _fields(response) == ["attributes.note"]
    assert Customer.all_tenants.count() == 0


def test_a_nul_in_a_query_parameter_is_400(api):
    client, base = api
    response = client.get(f"{base}/customers/", {"search": "a\u0000b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_text"


@pytest.mark.parametrize("where", ["login", "attributes", "properties"])
def test_json_nested_1000_deep_is_400(tenant, api, api_client, where):
    client, base = api
    deep = _nested(1000)
    kind = "application/json"
    if where == "login":
        body = '{"email": ' + deep + ', "password": "x"}'
        response = api_client.post("/api/v1/auth/login", body, content_type=kind)
    elif where == "attributes":
        body = '{"attributes": ' + deep + "}"
        response = client.post(f"{base}/customers/", body, content_type=kind)
    else:
        CustomerFactory(tenant=tenant, external_id="c-1")
        body = '{"customer_external_id": "c-1", "kind": "custom", "properties": ' + deep + "}"
        response = client.post(f"{base}/events/", body, content_type=kind)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert Customer.all_tenants.exclude(external_id="c-1").count() == 0


@pytest.mark.parametrize("kind", [{}, [], ["login"]])
def test_an_event_kind_that_is_not_text_is_400(tenant, api, kind):
    client, base = api
    CustomerFactory(tenant=tenant, external_id="c-1")
    event = {"customer_external_id": "c-1", "kind": kind}
    single = client.post(f"{base}/events/", event, format="json")
    bulk = client.post(f"{base}/events/bulk/", {"events": [event]}, format="json")
    assert single.status_code == 400 and "kind" in _fields(single)
    assert bulk.status_code == 200 and bulk.json()["rejected"] == 1


# -- uniqueness as 400 naming the field --------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_duplicate_segment_name_is_400_on_create_and_update(tenant, api, method):
    client, base = api
    CustomerSegmentFactory(tenant=tenant, name="Taken")
    other = CustomerSegmentFactory(tenant=tenant, name="Other")
    body = {"name": "Taken", "filters": {}}
    url = f"{base}/customer-segments/" + ("" if method == "post" else f"{other.pk}/")
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == 400 and _fields(response) == ["name"]
    assert CustomerSegment.all_tenants.filter(name="Taken").count() == 1


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_duplicate_ugc_rule_trigger_is_400_on_create_and_update(tenant, api, method):
    client, base = api
    UGCRuleFactory(tenant=tenant, trigger="promoter")
    other = UGCRuleFactory(tenant=tenant, trigger="milestone", request_kind="case_study")
    body = {"trigger": "promoter", "request_kind": "review", "window_days": 1}
    url = f"{base}/ugc-rules/" + ("" if method == "post" else f"{other.pk}/")
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == 400 and _fields(response) == ["trigger"]
    assert UGCRule.all_tenants.filter(trigger="promoter").count() == 1


def test_an_empty_external_id_collides_with_nothing(tenant, api):
    client, base = api
    first = CustomerFactory(tenant=tenant)
    second = CustomerFactory(tenant=tenant)
    one = client.patch(f"{base}/customers/{first.pk}/", {"external_id": ""}, format="json")
    two = client.patch(f"{base}/customers/{second.pk}/", {"external_id": ""}, format="json")
    assert one.status_code == 200 and two.status_code == 200
    assert one.json()["external_id"] is None


def test_a_scoring_criterion_without_weight_is_400_also_in_a_patch(tenant, api):
    client, base = api
    model = ScoringModelFactory(tenant=tenant)
    response = client.patch(
        f"{base}/scoring-models/{model.pk}/",
        {"criteria": [{"key": "a", "label": "A"}]},
        format="json",
    )
    assert response.status_code == 400 and _fields(response) == ["criteria.0.weight"]
    assert ScoringModel.all_tenants.get(pk=model.pk).criteria == model.criteria


@pytest.mark.parametrize("path", ["health-model/", "health-model/recompute/"])
def test_options_on_views_without_a_queryset_answers(api, path):
    client, base = api
    response = client.options(f"{base}/{path}")
    assert response.status_code == 200 and response.json()["schema"] == "/api/schema/"


# -- bounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mrr": "-1"}, "mrr"),
        ({"tags": ["t"] * 51}, "tags"),
        ({"tags": ["x" * 65]}, "tags.0"),
        ({"attributes": {"blob": "x" * 17_000}}, "attributes"),
    ],
)
def test_customer_bounds(api, body, field):
    client, base = api
    response = client.post(f"{base}/customers/", body, format="json")
    assert response.status_code == 400 and _fields(response) == [field]


def test_event_properties_above_16_kib_are_rejected(tenant, api):
    client, base = api
    CustomerFactory(tenant=tenant, external_id="c-1")
    response = client.post(
        f"{base}/events/",
        {"customer_external_id": "c-1", "kind": "custom", "properties": {"name": "x" * 17_000}},
        format="json",
    )
    assert response.status_code == 400 and _fields(response) == ["properties"]


@pytest.mark.parametrize(
    "filters", [{"stage": ["customer"] * 51}, {"search": "x" * 300}, {"tags": {"a": 1}}]
)
def test_customer_segment_filters_are_bounded(api, filters):
    client, base = api
    response = client.post(
        f"{base}/customer-segments/", {"name": "s", "filters": filters}, format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["ftp://example.com/x", "javascript:alert(1)"])
def test_a_landing_url_is_http_or_https(api, url):
    client, base = api
    response = client.post(
        f"{base}/referral-programs/",
        {
            "name": "p",
            "landing_url": url,
            "referrer_reward_kind": "credit",
            "referrer_reward_amount": "10",
            "referee_reward_kind": "credit",
            "referee_reward_amount": "10",
        },
        format="json",
    )
    assert response.status_code == 400 and _fields(response) == ["landing_url"]


def test_day_counts_are_bounded(api):
    client, base = api
    response = client.post(
        f"{base}/ugc-rules/",
        {"trigger": "milestone", "request_kind": "case_study", "expiry_days": 4_000_000},
        format="json",
    )
    assert response.status_code == 400 and _fields(response) == ["expiry_days"]


def test_the_tenant_slug_cannot_be_changed_through_the_api(tenant, api):
    client, base = api
    response = client.patch(f"{base}/", {"slug": "elsewhere", "name": "New"}, format="json")
    tenant.refresh_from_db()
    assert response.status_code == 200 and tenant.slug != "elsewhere" and tenant.name == "New"


def test_events_with_every_field_at_its_edges_are_accepted(tenant, api):
    client, base = api
    customer = CustomerFactory(tenant=tenant)
    EventFactory(tenant=tenant, customer=customer)
    response = client.post(
        f"{base}/events/",
        {
            "customer": customer.pk,
            "kind": "custom",
            "occurred_at": "1900-01-01T00:00:00-14:00",
            "properties": {"name": "x" * 16_000},
        },
        format="json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("limit", ["²", "٣", "1" * 30])
def test_a_limit_of_unicode_or_huge_digits_is_400(tenant, api, limit):
    client, base = api
    customer = CustomerFactory(tenant=tenant)
    for url in (f"{base}/kpis/jobs/", f"{base}/customers/{customer.pk}/timeline/"):
        assert client.get(url, {"limit": limit}).status_code == 400, url
    assert client.get(f"{base}/market-segments/ranking/", {"model": limit}).status_code == 400
