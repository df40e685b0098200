"""The admin for support staff: every screen renders, hashes stay hidden, changes are audited."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import ApiKey, Tenant
from tests.accounts.factories import ApiKeyFactory, MembershipFactory, TenantFactory, UserFactory
from tests.customers.factories import CustomerFactory, EventFactory


@pytest.fixture
def staff_client(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


ADMIN_MODELS = [
    "accounts_tenant",
    "accounts_user",
    "accounts_membership",
    "accounts_apikey",
    "accounts_personaltoken",
    "customers_customer",
    "customers_event",
]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_admin_list_renders_with_search(staff_client, model):
    # given
    membership = MembershipFactory()
    ApiKeyFactory(tenant=membership.tenant)
    EventFactory(tenant=membership.tenant)
    # when
    response = staff_client.get(reverse(f"admin:{model}_changelist"), {"q": "a"})
    # then
    assert response.status_code == 200


def test_api_key_page_never_shows_the_hash(staff_client):
    # given
    api_key = ApiKeyFactory()
    # when
    page = staff_client.get(reverse("admin:accounts_apikey_change", args=[api_key.pk]))
    # then
    assert page.status_code == 200
    assert api_key.key_hash not in page.content.decode()
    assert api_key.prefix in page.content.decode()


def test_revoke_action_revokes_the_selected_keys(staff_client):
    # given
    keys = [ApiKeyFactory(), ApiKeyFactory()]
    # when
    response = staff_client.post(
        reverse("admin:accounts_apikey_changelist"),
        {"action": "revoke", "confirmed": "yes", "_selected_action": [k.pk for k in keys]},
    )
    # then
    assert response.status_code == 302
    assert ApiKey.all_tenants.filter(revoked_at__isnull=False).count() == 2


def test_a_staff_change_is_in_the_audit_trail_with_the_staff_user_as_actor(staff_client):
    # given
    tenant = TenantFactory(name="Before")
    url = reverse("admin:accounts_tenant_change", args=[tenant.pk])
    # when
    response = staff_client.post(
        url,
        {
            "name": "After",
            "slug": tenant.slug,
            "currency": "EUR",
            "timezone": "UTC",
            "gross_margin": "1.0",
            "language": "en",
            "brand_color": "#2f6feb",
            "active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    # then
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant.pk).name == "After"
    entry = LogEntry.objects.get_for_object(tenant).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and entry.actor == staff_client.staff
    assert entry.changes_dict["name"] == ["Before", "After"]


def test_customer_admin_shows_the_stage_history(staff_client):
    # given
    customer = CustomerFactory()
    # when
    page = staff_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    # then
    assert page.status_code == 200
    assert "Stage change" in page.content.decode()
