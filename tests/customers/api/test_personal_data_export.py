"""A customer's personal data, exported from every app in one answer, and audited (issue 17,
item 5, the access half)."""

import pytest
from auditlog.models import LogEntry
from django.core import mail

from accounts.roles import Role
from customers.models import Customer
from flywheel.core import personal_data
from flywheel.core.tenancy import tenant_scope
from segments.services.health import health_recompute
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.conftest import client_for_key, client_for_user
from tests.customers.factories import CustomerFactory, EventFactory
from tests.referrals.factories import ReferralFactory, ReferralLinkFactory, RewardFactory
from tests.ugc.factories import UGCRequestFactory
from tests.webhooks.factories import WebhookDeliveryFactory

pytestmark = pytest.mark.django_db
SECTIONS = [
    "customer",
    "emails",
    "events",
    "health",
    "health_alerts",
    "health_changes",
    "referral_links",
    "referrals",
    "rewards",
    "stage_changes",
    "ugc_requests",
    "webhook_deliveries",
]


@pytest.fixture
def ada(tenant, member_client, django_capture_on_commit_callbacks):
    """One customer present in every app."""
    admin, _ = member_client(Role.ADMIN)
    base = f"/api/v1/tenants/{tenant.slug}"
    with django_capture_on_commit_callbacks(execute=True):
        ada = admin.post(
            f"{base}/customers/",
            {
                "external_id": "ada-77",
                "email": "ada.lovelace@example.com",
                "name": "Ada Lovelace",
                "stage": "customer",
                "attributes": {"note": "prefers calls"},
            },
            format="json",
        ).json()
        admin.post(
            f"{base}/ugc-requests/", {"customer": ada["id"], "kind": "review"}, format="json"
        )
    customer = Customer.all_tenants.get(pk=ada["id"])
    EventFactory(tenant=tenant, customer=customer, kind="login")
    ReferralLinkFactory(tenant=tenant, referrer=customer)
    referral = ReferralFactory(tenant=tenant, referee=customer, status="qualified")
    RewardFactory(tenant=tenant, referral=referral, recipient=customer, side="referee")
    UGCRequestFactory(tenant=tenant, customer=customer, text="Ada's own words", status="submitted")
    WebhookDeliveryFactory(
        tenant=tenant,
        customer_id=customer.pk,
        payload={"type": "customer.created", "data": {"email": "ada.lovelace@example.com"}},
    )
    with tenant_scope(tenant):
        health_recompute(tenant=tenant)
    return customer


def test_every_app_registers_its_sections():
    assert personal_data.section_names() == SECTIONS


def test_an_admin_exports_everything_held_about_the_customer(tenant, member_client, ada):
    other = CustomerFactory(tenant=tenant, email="someone.else@example.com")
    admin, _ = member_client(Role.ADMIN)
    response = admin.get(f"/api/v1/tenants/{tenant.slug}/customers/{ada.pk}/export/")
    assert response.status_code == 200
    body = response.json()
    sections = body["sections"]
    assert body["customer_id"] == ada.pk and sorted(sections) == SECTIONS
    (record,) = sections["customer"]
    assert record["email"] == "ada.lovelace@example.com" and record["name"] == "Ada Lovelace"
    assert record["attributes"] == {"note": "prefers calls"}
    assert len(sections["events"]) == 1 and sections["stage_changes"][0]["to_stage"] == "customer"
    assert len(sections["health"]) == 1
    assert len(sections["referral_links"]) == 1 and len(sections["rewards"]) == 1
    assert {r["role"] for r in sections["referrals"]} == {"referee"}
    assert "Ada's own words" in [r["text"] for r in sections["ugc_requests"]]
    assert [e["to_address"] for e in sections["emails"]] == ["ada.lovelace@example.com"]
    assert len(mail.outbox) == 1
    assert sections["webhook_deliveries"][0]["payload"]["data"]["email"] == (
        "ada.lovelace@example.com"
    )
    assert other.email not in response.content.decode()


def test_each_export_is_in_the_audit_trail(tenant, key_client, ada):
    client, key = key_client(scopes=["customers:read"])
    assert (
        client.get(f"/api/v1/tenants/{tenant.slug}/customers/{ada.pk}/export/").status_code == 200
    )
    (entry,) = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(ada.pk))
    assert entry.additional_data["access"] == "export"
    assert entry.additional_data["tenant_id"] == tenant.pk
    assert entry.additional_data["api_key_id"] == key.pk


def test_members_below_admin_and_keys_without_the_scope_cannot_export(tenant, member_client, ada):
    url = f"/api/v1/tenants/{tenant.slug}/customers/{ada.pk}/export/"
    member, _ = member_client(Role.MEMBER)
    assert member.get(url).status_code == 403
    no_scope = client_for_key(ApiKeyFactory(tenant=tenant, scopes=["events:read"]).secret)
    assert no_scope.get(url).status_code == 403
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_staff_view_of_the_customer_page_is_audited(tenant, ada):
    staff = UserFactory(is_staff=True, is_superuser=True)
    page = client_for_user(staff).get(f"/admin/customers/customer/{ada.pk}/change/")
    assert page.status_code == 200
    (entry,) = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(ada.pk))
    assert entry.additional_data["access"] == "admin_view" and entry.actor == staff


def test_an_admin_erases_a_customer_as_a_job_and_the_export_is_then_empty_of_them(
    tenant, member_client, ada, django_capture_on_commit_callbacks
):
    admin, _ = member_client(Role.ADMIN)
    base = f"/api/v1/tenants/{tenant.slug}"
    with django_capture_on_commit_callbacks(execute=True):
        job = admin.post(f"{base}/customers/{ada.pk}/erase/")
    assert job.status_code == 202 and job.json()["status"] == "queued"
    done = admin.get(f"{base}/customer-erasures/{job.json()['id']}/").json()
    assert done["status"] == "done" and done["counts"]["customers"] >= 1
    exported = admin.get(f"{base}/customers/{ada.pk}/export/").content.decode()
    for trace in ("ada.lovelace@example.com", "Ada Lovelace", "prefers calls", "Ada's own words"):
        assert trace not in exported
    record = admin.get(f"{base}/customers/{ada.pk}/").json()
    assert record["email"] == "" and record["external_id"] is None


def test_only_admins_erase(tenant, member_client, ada):
    member, _ = member_client(Role.MEMBER)
    response = member.post(f"/api/v1/tenants/{tenant.slug}/customers/{ada.pk}/erase/")
    assert response.status_code == 403
    assert Customer.all_tenants.get(pk=ada.pk).email == "ada.lovelace@example.com"
