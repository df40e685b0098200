"""Event ingestion: per-kind validation, stored once per sender id, denormalised fields."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer, Event, StageChange
from flywheel.core import sql
from flywheel.core.models import DomainEvent
from tests.customers.factories import CustomerFactory, EventFactory

pytestmark = pytest.mark.django_db


def _bulk(client, tenant, events, **extra):
    return client.post(
        f"/api/v1/tenants/{tenant.slug}/events/bulk/", {"events": events, **extra}, format="json"
    )


@pytest.fixture
def client(key_client):
    return key_client()[0]


@pytest.mark.parametrize(
    "event,field",
    [
        ({"kind": "nps", "value": 11}, "value"),
        ({"kind": "nps", "value": 3.5}, "value"),
        ({"kind": "nps"}, "value"),
        ({"kind": "payment", "value": -1, "properties": {"status": "paid"}}, "value"),
        (
            {"kind": "payment", "value": 10, "properties": {"status": "pending"}},
            "properties.status",
        ),
        ({"kind": "subscription", "value": -5}, "value"),
        ({"kind": "feature_used", "properties": {}}, "properties.feature"),
        (
            {"kind": "support_ticket", "properties": {"status": "opened", "csat": 5}},
            "properties.csat",
        ),
        (
            {"kind": "support_ticket", "properties": {"status": "closed", "csat": 6}},
            "properties.csat",
        ),
        ({"kind": "milestone"}, "properties.name"),
        ({"kind": "community"}, "properties.action"),
        ({"kind": "custom"}, "properties.name"),
        ({"kind": "teleport"}, "kind"),
        ({"kind": "login", "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"kind": "login", "occurred_at": "last tuesday"}, "occurred_at"),
        ({"kind": "login", "colour": "red"}, "colour"),
    ],
)
def test_each_kind_is_validated_and_reported_per_item(tenant, client, event, field):
    # given
    customer = CustomerFactory(tenant=tenant)
    # when
    body = _bulk(client, tenant, [{"id": "bad", "customer": customer.pk, **event}]).json()
    # then
    assert (body["created"], body["rejected"]) == (0, 1)
    item = body["results"][0]
    assert item["status"] == "rejected" and field in [e["field"] for e in item["errors"]]


def test_valid_events_of_every_kind_are_stored(tenant, client):
    customer = CustomerFactory(tenant=tenant)
    events = [
        {"kind": "login"},
        {"kind": "feature_used", "properties": {"feature": "reports"}},
        {"kind": "support_ticket", "properties": {"status": "closed", "csat": 5}},
        {"kind": "payment", "value": "49.90", "properties": {"status": "late"}},
        {"kind": "subscription", "value": 49, "properties": {"plan": "pro"}},
        {"kind": "nps", "value": 10, "properties": {"comment": "great"}},
        {"kind": "milestone", "properties": {"name": "first report"}},
        {"kind": "community", "properties": {"action": "answered"}},
        {"kind": "custom", "value": 3, "properties": {"name": "webinar"}},
    ]
    body = _bulk(client, tenant, [{"customer": customer.pk, **e} for e in events]).json()
    assert body["created"] == 9 and body["rejected"] == 0


def test_a_single_invalid_event_is_a_400_problem(tenant, client):
    response = client.post(
        f"/api/v1/tenants/{tenant.slug}/events/",
        {"customer": CustomerFactory(tenant=tenant).pk, "kind": "nps", "value": 12},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "value"


def test_one_event_is_201_then_200_when_repeated(tenant, client):
    body = {"id": "once", "customer": CustomerFactory(tenant=tenant).pk, "kind": "login"}
    url = f"/api/v1/tenants/{tenant.slug}/events/"
    assert client.post(url, body, format="json").status_code == 201
    assert client.post(url, body, format="json").status_code == 200
    assert client.get(f"{url}once/").json()["id"] == "once"
    assert Event.all_tenants.filter(sender_id="once").count() == 1


def test_the_same_batch_twice_stores_each_event_once(tenant, client):
    # given
    customer = CustomerFactory(tenant=tenant)
    batch = [{"id": f"e{i}", "customer": customer.pk, "kind": "login"} for i in range(5)]
    batch.append({"id": "e0", "customer": customer.pk, "kind": "login"})  # twice in one batch
    # when
    first, second = _bulk(client, tenant, batch).json(), _bulk(client, tenant, batch).json()
    # then
    assert (first["created"], first["duplicate"]) == (5, 1)
    assert (second["created"], second["duplicate"]) == (0, 6)
    assert Event.all_tenants.filter(tenant=tenant).count() == 5


def test_unknown_external_ids_are_rejected_unless_leads_may_be_created(tenant, client):
    event = {"id": "x1", "customer_external_id": "new-lead", "kind": "login"}
    refused = _bulk(client, tenant, [event]).json()
    created = _bulk(client, tenant, [event], create_missing_customers=True).json()
    assert refused["results"][0]["errors"][0]["code"] == "does_not_exist"
    assert created["created"] == 1
    lead = Customer.all_tenants.get(tenant=tenant, external_id="new-lead")
    assert lead.stage == "lead" and StageChange.all_tenants.filter(customer=lead).count() == 1


def test_another_tenants_customer_is_rejected(tenant, client):
    body = _bulk(client, tenant, [{"customer": CustomerFactory().pk, "kind": "login"}]).json()
    assert body["results"][0]["errors"][0]["code"] == "does_not_exist"


def test_latest_facts_win_even_when_older_ones_arrive_later(tenant, client):
    # given
    customer = CustomerFactory(tenant=tenant)
    now = timezone.now()
    at = lambda days: (now - timedelta(days=days)).isoformat()  # noqa: E731
    # when
    _bulk(
        client,
        tenant,
        [
            {"customer": customer.pk, "kind": "subscription", "value": 99, "occurred_at": at(1)},
            {"customer": customer.pk, "kind": "nps", "value": 4, "occurred_at": at(2)},
            {"customer": customer.pk, "kind": "nps", "value": 9, "occurred_at": at(1)},
        ],
    )
    _bulk(
        client,
        tenant,
        [
            {"customer": customer.pk, "kind": "subscription", "value": 10, "occurred_at": at(5)},
            {"customer": customer.pk, "kind": "login", "occurred_at": at(0.5)},
        ],
    )
    # then
    customer.refresh_from_db()
    assert customer.mrr == 99 and customer.nps_score == 9
    assert abs(customer.last_seen_at - (now - timedelta(days=0.5))) < timedelta(seconds=1)


def test_an_events_ingested_domain_event_lists_what_was_stored(tenant, client):
    customer = CustomerFactory(tenant=tenant)
    _bulk(client, tenant, [{"id": "d1", "customer": customer.pk, "kind": "login"}])
    recorded = DomainEvent.all_tenants.get(tenant=tenant, name="events.ingested")
    assert recorded.payload["customer_ids"] == [customer.pk]
    assert recorded.payload["event_ids"] == [Event.all_tenants.get(sender_id="d1").pk]


def test_over_1000_events_is_413(tenant, client):
    events = [{"customer_external_id": "a", "kind": "login"}] * 1001
    assert _bulk(client, tenant, events).status_code == 413


def test_event_list_filters_and_constant_queries(tenant, client):
    # given
    a, b = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    old = timezone.now() - timedelta(days=10)
    for i in range(6):
        EventFactory(
            tenant=tenant,
            customer=a if i % 2 else b,
            kind="login" if i < 4 else "nps",
            value=9 if i >= 4 else None,
            occurred_at=old if i == 0 else timezone.now(),
        )
    url = f"/api/v1/tenants/{tenant.slug}/events/"
    # when / then
    assert len(client.get(url, {"kind": "nps"}).json()["results"]) == 2
    assert len(client.get(url, {"customer": a.pk}).json()["results"]) == 3
    assert len(client.get(url, {"customer_external_id": b.external_id}).json()["results"]) == 3
    old_only = client.get(url, {"occurred_before": (old + timedelta(days=1)).isoformat()})
    assert len(old_only.json()["results"]) == 1
    counts = []
    for limit in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"limit": limit})
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("threshold", [0, 10**6], ids=["copy", "values"])
def test_a_full_batch_keeps_each_customers_latest_facts(tenant, client, monkeypatch, threshold):
    """Out-of-order facts across a batch of 1,000 (both SQL paths on PostgreSQL): each
    customer ends with its newest login, subscription and NPS answer, and a newer fact
    already stored is not overwritten by an older one in the batch."""
    # given
    monkeypatch.setattr(sql, "COPY_THRESHOLD", threshold)
    now = timezone.now().replace(microsecond=0)
    customers = [CustomerFactory(tenant=tenant, external_id=f"c{i}") for i in range(7)]
    kept = customers[0]
    Customer.all_tenants.filter(pk=kept.pk).update(
        last_seen_at=now, mrr=500, mrr_at=now, nps_score=1, nps_at=now
    )
    events, expected = [], {c.pk: {"seen": None, "mrr": None, "nps": None} for c in customers}
    for i in range(1000):
        customer = customers[i % 7]
        kind = ("login", "subscription", "nps")[i % 3]
        at = now - timedelta(hours=1 + (i * 7919) % 500)  # every customer's facts out of order
        event = {
            "id": f"f{i}",
            "customer": customer.pk,
            "kind": kind,
            "occurred_at": at.isoformat(),
        }
        if kind != "login":
            event["value"] = i % 11 if kind == "nps" else i
        events.append(event)
        facts = expected[customer.pk]
        facts["seen"] = max(facts["seen"] or at, at)
        fact = {"subscription": "mrr", "nps": "nps"}.get(kind)
        if fact and (facts[fact] is None or at >= facts[fact][0]):
            facts[fact] = (at, event["value"])
    # when
    body = _bulk(client, tenant, events).json()
    # then
    assert body["created"] == 1000
    for customer in customers[1:]:
        customer.refresh_from_db()
        facts = expected[customer.pk]
        assert customer.last_seen_at == facts["seen"]
        assert (customer.mrr_at, customer.mrr) == facts["mrr"]
        assert (customer.nps_at, customer.nps_score) == facts["nps"]
    kept.refresh_from_db()
    assert (kept.last_seen_at, kept.mrr, kept.nps_score) == (now, 500, 1)
