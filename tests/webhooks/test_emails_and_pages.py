"""Emails to customers and the hosted pages: the exact link and text, once per event, the
unsubscribe page, the UGC form answered end to end (issue 14)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from customers.models import Customer
from flywheel.core.tenancy import tenant_scope
from tests.accounts.factories import MembershipFactory
from tests.conftest import client_for_user
from tests.customers.factories import CustomerFactory
from tests.referrals.factories import ReferralProgramFactory
from tests.ugc.factories import UGCRequestFactory
from ugc.models import UGCRequest
from ugc.services.automation import ugc_rules_ensure_defaults
from webhooks.models import EmailSettings, SentEmail

pytestmark = pytest.mark.django_db
GERMAN_MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


@pytest.fixture
def owner(tenant):
    return client_for_user(MembershipFactory(tenant=tenant, role=Role.OWNER).user)


def _nps_10(owner, tenant, customer, capture):
    with capture(execute=True):
        response = owner.post(
            f"/api/v1/tenants/{tenant.slug}/events/",
            {"customer": customer.pk, "kind": "nps", "value": 10},
            format="json",
        )
    assert response.status_code == 201


def test_a_promoter_gets_the_testimonial_email_with_the_hosted_link(
    tenant, owner, django_capture_on_commit_callbacks
):
    # given the default rules and a customer with an email address
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    customer = CustomerFactory(tenant=tenant, name="Ada", email="ada@example.com")
    # when the customer answers NPS 10
    _nps_10(owner, tenant, customer, django_capture_on_commit_callbacks)
    # then one email with the exact hosted link, from the tenant
    request = UGCRequest.all_tenants.get(customer=customer)
    (email,) = mail.outbox
    link = f"http://127.0.0.1:8000/p/ugc/{request.token}"
    assert email.to == ["ada@example.com"]
    assert email.subject == f"{tenant.name} would love to hear from you"
    assert tenant.name in email.from_email
    assert f"Share your experience: {link}" in email.body
    assert "Hello Ada," in email.body and "a testimonial?" in email.body
    html = email.alternatives[0][0]
    assert f'href="{link}"' in html and tenant.brand_color in html
    assert "/p/unsubscribe/" in email.body and email.extra_headers["List-Unsubscribe"]
    assert SentEmail.all_tenants.get(kind="ugc_request").status == "sent"


def test_emails_speak_the_tenants_language(tenant, owner, django_capture_on_commit_callbacks):
    tenant.language = "de"
    tenant.save()
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    customer = CustomerFactory(tenant=tenant, email="bea@example.com", name="Bea")
    _nps_10(owner, tenant, customer, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.subject == f"{tenant.name} freut sich auf Ihre Meinung"
    assert "Hallo Bea," in email.body and "Erfahrung teilen:" in email.body


def test_an_unsubscribed_customer_gets_no_email_but_webhooks_still_go(
    tenant, owner, django_capture_on_commit_callbacks
):
    from flywheel.core.models import DomainEvent

    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    customer = CustomerFactory(tenant=tenant, email="carl@example.com")
    # the unsubscribe page: GET asks, POST unsubscribes
    from webhooks.emails import unsubscribe_token

    page = Client()
    url = f"/p/unsubscribe/{unsubscribe_token(customer)}"
    asked = page.get(url)
    assert asked.status_code == 200 and "<form" in asked.content.decode()
    assert Customer.all_tenants.get(pk=customer.pk).email_opt_out_at is None
    done = page.post(url)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    # when a request is made for the customer
    _nps_10(owner, tenant, customer, django_capture_on_commit_callbacks)
    # then no email, the reason noted, the domain event still recorded (webhooks go)
    assert mail.outbox == []
    assert SentEmail.all_tenants.get(kind="ugc_request").reason == "unsubscribed"
    assert DomainEvent.all_tenants.filter(name="ugc_request.created").count() == 1


def test_a_forged_unsubscribe_token_is_404(client):
    assert client.get("/p/unsubscribe/not-a-token").status_code == 404


def test_a_kind_switched_off_is_not_sent(tenant, owner, django_capture_on_commit_callbacks):
    EmailSettings.all_tenants.create(tenant=tenant, ugc_request=False, sender_name="Team")
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    _nps_10(
        owner,
        tenant,
        CustomerFactory(tenant=tenant, email="d@example.com"),
        django_capture_on_commit_callbacks,
    )
    assert mail.outbox == []
    assert SentEmail.all_tenants.get().reason == "switched off by the tenant"


def test_an_email_goes_once_per_event_whatever_the_redeliveries(
    tenant, owner, django_capture_on_commit_callbacks
):
    from flywheel.core import delivery
    from flywheel.core.models import DomainEvent

    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    _nps_10(
        owner,
        tenant,
        CustomerFactory(tenant=tenant, email="e@example.com"),
        django_capture_on_commit_callbacks,
    )
    event = DomainEvent.all_tenants.get(name="ugc_request.created")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.deliver("webhooks.email", [event.pk])
    from webhooks.emails import email_send

    email_send(SentEmail.all_tenants.get().pk)  # a second send task for the same email
    assert len(mail.outbox) == 1


def test_the_referral_invitation_after_approval_has_a_working_link(
    tenant, owner, client, django_capture_on_commit_callbacks
):
    # given a default program and a submitted testimonial
    ReferralProgramFactory(tenant=tenant, is_default=True, landing_url="https://acme.test/join")
    customer = CustomerFactory(tenant=tenant, email="fan@example.com", stage="customer")
    request = UGCRequestFactory(
        tenant=tenant, customer=customer, status="submitted", kind="testimonial"
    )
    # when it is approved
    with django_capture_on_commit_callbacks(execute=True):
        approved = owner.post(
            f"/api/v1/tenants/{tenant.slug}/ugc-requests/{request.pk}/approve/",
            {"note": "lovely"},
            format="json",
        )
    # then the customer gets an invitation whose link redirects to the landing page
    assert approved.status_code == 200
    (email,) = [m for m in mail.outbox if "get a reward" in m.subject]
    link = next(word for word in email.body.split() if "/r/" in word)
    response = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 302 and response["Location"].startswith("https://acme.test/join")


def test_the_hosted_form_is_answered_end_to_end(tenant, client):
    # given an open request of a German tenant with its colour
    tenant.language, tenant.brand_color = "de", "#123456"
    tenant.save()
    due = timezone.now() + timedelta(days=20)
    request = UGCRequestFactory(tenant=tenant, kind="testimonial", prompt="Wie war es?", due_at=due)
    url = f"/p/ugc/{request.token}"
    # when the customer opens the page and sends the form with consent
    page = client.get(url)
    answered = client.post(
        url, {"text": "Sehr gut!", "rating": "5", "consent": "1", "action": "submit"}
    )
    again = client.get(url)
    # then
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="de"' in html and "#123456" in html
    assert "Wie war es?" in html and 'name="consent"' in html and "<script" not in html
    assert f"bis {due.day}. {GERMAN_MONTHS[due.month - 1]} {due.year}" in html
    assert answered.status_code == 200 and "Vielen Dank!" in answered.content.decode()
    request.refresh_from_db()
    assert (request.status, request.text, request.rating, request.consent) == (
        "submitted",
        "Sehr gut!",
        5,
        True,
    )
    assert again.status_code == 409 and "Bereits beantwortet" in again.content.decode()


def test_the_hosted_form_refuses_an_expired_request_and_an_empty_answer(tenant, client):
    expired = UGCRequestFactory(tenant=tenant, due_at=timezone.now() - timedelta(days=1))
    open_one = UGCRequestFactory(tenant=tenant)
    assert client.get(f"/p/ugc/{expired.token}").status_code == 410
    empty = client.post(f"/p/ugc/{open_one.token}", {"text": "", "action": "submit"})
    assert empty.status_code == 400 and 'role="alert"' in empty.content.decode()
    declined = client.post(f"/p/ugc/{open_one.token}", {"action": "decline"})
    assert declined.status_code == 200
    open_one.refresh_from_db()
    assert open_one.status == "declined"
    assert client.get("/p/ugc/no-such-token").status_code == 404


def test_the_hosted_form_needs_the_csrf_token(tenant):
    request = UGCRequestFactory(tenant=tenant)
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(f"/p/ugc/{request.token}", {"text": "x", "action": "submit"})
    page = browser.get(f"/p/ugc/{request.token}")
    token = page.cookies["csrftoken"].value
    accepted = browser.post(
        f"/p/ugc/{request.token}",
        {"text": "x", "action": "submit", "csrfmiddlewaretoken": token},
    )
    assert refused.status_code == 403 and accepted.status_code == 200


def test_a_tenant_frontend_gets_the_public_url_on_its_own_site(tenant, owner):
    tenant.frontend_base_url = "https://acme.test/ugc/"
    tenant.save()
    request = UGCRequestFactory(tenant=tenant)
    body = owner.get(f"/api/v1/tenants/{tenant.slug}/ugc-requests/{request.pk}/").json()
    assert body["public_url"] == f"https://acme.test/ugc/{request.token}"


def test_email_settings_are_read_and_changed_by_admins(tenant, owner, member_client):
    url = f"/api/v1/tenants/{tenant.slug}/email-settings/"
    assert owner.get(url).json()["ugc_request"] is True
    changed = owner.put(
        url,
        {
            "sender_name": "Acme Team",
            "reply_to": "hello@acme.test",
            "ugc_request": True,
            "ugc_reminder": False,
            "referral_invitation": True,
            "reward_issued": True,
        },
        format="json",
    )
    member, _ = member_client(Role.MEMBER)
    assert changed.status_code == 200 and changed.json()["ugc_reminder"] is False
    assert member.put(url, {"sender_name": "x"}, format="json").status_code == 403
