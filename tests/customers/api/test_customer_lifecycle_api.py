"""Customers over the API: create, import history, stage changes with history, bulk upsert."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer, StageChange
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _url(tenant, suffix=""):
    return f"/api/v1/tenants/{tenant.slug}/customers/{suffix}"


def test_a_new_customer_is_a_lead_in_the_attract_phase_with_history(tenant, key_client):
    # given
    client, api_key = key_client()
    # when
    response = client.post(
        _url(tenant), {"external_id": "c1", "email": "a@example.org"}, format="json"
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["stage"], body["phase"], body["became_customer_at"]) == ("lead", "attract", None)
    change = StageChange.all_tenants.get(customer_id=body["id"])
    assert (change.from_stage, change.to_stage, change.changed_by_api_key_id) == (
        "",
        "lead",
        api_key.pk,
    )


def test_stage_changes_set_became_customer_once_and_churn(tenant, member_client):
    # given
    client, membership = member_client(Role.MEMBER)
    t0 = timezone.now() - timedelta(days=30)
    customer = CustomerFactory(tenant=tenant, created_at=t0)
    url = _url(tenant, f"{customer.pk}/")
    # when
    client.patch(
        url,
        {"stage": "customer", "changed_at": (t0 + timedelta(days=1)).isoformat()},
        format="json",
    )
    client.patch(
        url,
        {"stage": "advocate", "changed_at": (t0 + timedelta(days=2)).isoformat()},
        format="json",
    )
    churned = client.patch(
        url, {"stage": "churned", "changed_at": (t0 + timedelta(days=3)).isoformat()}, format="json"
    )
    # then
    body = churned.json()
    assert body["stage"] == "churned" and body["phase"] == "none"
    assert body["became_customer_at"].startswith((t0 + timedelta(days=1)).date().isoformat())
    assert body["churned_at"].startswith((t0 + timedelta(days=3)).date().isoformat())
    history = list(
        StageChange.all_tenants.filter(customer=customer)
        .order_by("changed_at")
        .values_list("from_stage", "to_stage", "changed_by_user_id")
    )
    assert [h[:2] for h in history] == [
        ("", "lead"),  # the factory's history: created as a lead
        ("lead", "customer"),
        ("customer", "advocate"),
        ("advocate", "churned"),
    ]
    assert {h[2] for h in history[1:]} == {membership.user_id}


@pytest.mark.parametrize(
    "body,field",
    [
        ({"stage": "customer", "changed_at": "2999-01-01T00:00:00Z"}, "changed_at"),
        ({"changed_at": "2026-01-01T00:00:00Z"}, "changed_at"),
    ],
)
def test_future_or_stageless_changed_at_is_400(tenant, owner_client, body, field):
    customer = CustomerFactory(tenant=tenant)
    response = owner_client.patch(_url(tenant, f"{customer.pk}/"), body, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == field


def test_churn_before_becoming_a_customer_is_400(tenant, owner_client):
    t0 = timezone.now() - timedelta(days=10)
    customer = CustomerFactory(
        tenant=tenant, created_at=t0 - timedelta(days=5), stage="customer", became_customer_at=t0
    )
    response = owner_client.patch(
        _url(tenant, f"{customer.pk}/"),
        {"stage": "churned", "changed_at": (t0 - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400


def test_imports_may_set_consistent_history(tenant, owner_client):
    response = owner_client.post(
        _url(tenant),
        {
            "external_id": "old",
            "stage": "churned",
            "created_at": "2024-01-01T00:00:00Z",
            "became_customer_at": "2024-02-01T00:00:00Z",
            "churned_at": "2025-03-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    customer = Customer.all_tenants.get(pk=response.json()["id"])
    assert customer.became_customer_at == datetime(2024, 2, 1, tzinfo=UTC)
    assert customer.churned_at == datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "field,value",
    [
        ("became_customer_at", "2023-01-01T00:00:00Z"),  # before created_at
        ("churned_at", "2024-01-15T00:00:00Z"),  # before became_customer_at
        ("created_at", "2999-01-01T00:00:00Z"),  # future
    ],
)
def test_inconsistent_imported_history_is_400_naming_the_field(tenant, owner_client, field, value):
    body = {
        "external_id": "x",
        "stage": "churned",
        "created_at": "2024-01-01T00:00:00Z",
        "became_customer_at": "2024-02-01T00:00:00Z",
        "churned_at": "2025-03-01T00:00:00Z",
        field: value,
    }
    response = owner_client.post(_url(tenant), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not Customer.all_tenants.filter(tenant=tenant).exists()


def test_external_id_is_unique_per_tenant_only(tenant, owner_client):
    CustomerFactory(external_id="dup")  # another tenant
    first = owner_client.post(_url(tenant), {"external_id": "dup"}, format="json")
    second = owner_client.post(_url(tenant), {"external_id": "dup"}, format="json")
    assert first.status_code == 201 and second.status_code == 400
    assert second.json()["errors"][0]["field"] == "external_id"


def test_referred_by_of_another_tenant_is_400(tenant, owner_client):
    response = owner_client.post(_url(tenant), {"referred_by": CustomerFactory().pk}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "referred_by"


def test_bulk_upsert_stores_valid_items_and_reports_the_rest_in_order(tenant, owner_client):
    # given
    existing = CustomerFactory(tenant=tenant, external_id="e1", name="Old")
    # when
    response = owner_client.post(
        _url(tenant, "bulk/"),
        {
            "customers": [
                {"external_id": "e1", "name": "New", "stage": "customer"},
                {"external_id": "n1", "email": "not-an-email"},
                {"external_id": "n2", "email": "n2@example.org", "tags": ["vip"]},
                {"external_id": "n2", "name": "twice"},
                {"name": "no external id"},
            ]
        },
        format="json",
    )
    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["updated"], body["rejected"]) == (1, 1, 3)
    assert [r["status"] for r in body["results"]] == [
        "updated",
        "rejected",
        "created",
        "rejected",
        "rejected",
    ]
    assert body["results"][1]["errors"][0]["field"] == "email"
    assert body["results"][3]["errors"][0]["code"] == "duplicate"
    existing.refresh_from_db()
    assert existing.name == "New" and existing.stage == "customer"
    assert existing.became_customer_at is not None
    assert StageChange.all_tenants.filter(customer=existing, to_stage="customer").exists()
    assert Customer.all_tenants.get(tenant=tenant, external_id="n2").tags == ["vip"]


def test_bulk_over_1000_is_413_and_not_a_list_is_400(tenant, owner_client):
    too_many = owner_client.post(
        _url(tenant, "bulk/"),
        {"customers": [{"external_id": str(i)} for i in range(1001)]},
        format="json",
    )
    not_list = owner_client.post(_url(tenant, "bulk/"), {"customers": {}}, format="json")
    assert too_many.status_code == 413 and not_list.status_code == 400
    assert not Customer.all_tenants.filter(tenant=tenant).exists()


def test_timeline_merges_events_and_stage_changes_newest_first(tenant, owner_client):
    # given
    t0 = timezone.now() - timedelta(days=3)
    customer = CustomerFactory(tenant=tenant, created_at=t0)
    StageChange.all_tenants.create(tenant=tenant, customer=customer, to_stage="lead", changed_at=t0)
    owner_client.post(
        f"/api/v1/tenants/{tenant.slug}/events/bulk/",
        {
            "events": [
                {
                    "id": f"t{i}",
                    "customer": customer.pk,
                    "kind": "login",
                    "occurred_at": (t0 + timedelta(hours=i + 1)).isoformat(),
                }
                for i in range(3)
            ]
        },
        format="json",
    )
    url = _url(tenant, f"{customer.pk}/timeline/")
    # when
    first = owner_client.get(url, {"limit": 2}).json()
    rest = owner_client.get(url, {"limit": 2, "before": first["next_before"]}).json()
    # then
    assert [e["data"].get("id") for e in first["results"]] == ["t2", "t1"]
    assert [e["type"] for e in rest["results"]] == ["event", "stage_change"]
    assert owner_client.get(url, {"before": "yesterday"}).status_code == 400
