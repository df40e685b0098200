"""Webhook and email admin: every screen renders without a secret, redeliver keeps the
webhook-id, failed emails are sent again once, disabled endpoints are re-enabled."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from flywheel.core.tenancy import tenant_scope
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import client_for_user
from tests.customers.factories import CustomerFactory
from tests.webhooks.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from ugc.services.automation import ugc_rules_ensure_defaults
from webhooks.models import SentEmail, WebhookDelivery, WebhookEndpoint
from webhooks.secrets_store import unseal

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["webhookendpoint", "webhookdelivery", "emailsettings", "sentemail"]
)
def test_every_webhook_admin_list_renders(staff, model):
    WebhookDeliveryFactory()
    assert staff.get(reverse(f"admin:webhooks_{model}_changelist")).status_code == 200


def test_the_endpoint_page_never_shows_the_secret(staff):
    endpoint = WebhookEndpointFactory()
    page = staff.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert endpoint.url in body
    assert unseal(endpoint.secret_encrypted) not in body and endpoint.secret_encrypted not in body


def test_redeliver_queues_a_dead_delivery_again_with_the_same_webhook_id(
    staff, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("flywheel.core.queue.send", lambda name, args, **kw: sent.append(args))
    dead = WebhookDeliveryFactory(status="dead", attempts=8, webhook_id="msg_keep")
    url = reverse("admin:webhooks_webhookdelivery_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"action": "redeliver", "confirmed": "yes", "_selected_action": [dead.pk]})
    again = WebhookDelivery.all_tenants.get(pk=dead.pk)
    assert (again.status, again.webhook_id, again.next_attempt_at) == ("pending", "msg_keep", None)
    assert sent == [[dead.pk]]


def test_reenable_clears_the_failure_state(staff):
    endpoint = WebhookEndpointFactory(active=False, failure_count=40, disabled_reason="410 Gone")
    url = reverse("admin:webhooks_webhookendpoint_changelist")
    staff.post(url, {"action": "reactivate", "confirmed": "yes", "_selected_action": [endpoint.pk]})
    endpoint = WebhookEndpoint.all_tenants.get(pk=endpoint.pk)
    assert (endpoint.active, endpoint.failure_count, endpoint.disabled_reason) == (True, 0, "")


def test_a_failed_email_is_sent_again_once_from_the_admin(
    staff, tenant, settings, django_capture_on_commit_callbacks, monkeypatch
):
    # given an email whose every attempt failed (the mail server refused it)
    monkeypatch.setattr("webhooks.emails.MAX_ATTEMPTS", 1)
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(ConnectionRefusedError("smtp down")),
    )
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    owner = client_for_user(MembershipFactory(tenant=tenant, role=Role.OWNER).user)
    customer = CustomerFactory(tenant=tenant, email="fan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            f"/api/v1/tenants/{tenant.slug}/events/",
            {"customer": customer.pk, "kind": "nps", "value": 10},
            format="json",
        )
    email = SentEmail.all_tenants.get()
    assert (email.status, email.last_error) == ("failed", "ConnectionRefusedError: smtp down")
    # when the server is back and support staff send it again
    monkeypatch.undo()
    url = reverse("admin:webhooks_sentemail_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            url, {"action": "send_again", "confirmed": "yes", "_selected_action": [email.pk]}
        )
    # then it goes out once
    assert SentEmail.all_tenants.get().status == "sent"
    assert [m.to for m in mail.outbox] == [["fan@example.com"]]


def test_a_tenant_member_without_staff_rights_sees_no_webhook_admin(tenant):
    member = client_for_user(MembershipFactory(tenant=tenant, role=Role.OWNER).user)
    response = member.get(reverse("admin:webhooks_webhookendpoint_changelist"))
    assert response.status_code == 302  # to the admin login
