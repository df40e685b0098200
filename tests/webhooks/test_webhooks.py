"""Partner webhooks: signed deliveries to a real receiver, retries, at least once, only the
subscribed types, nothing for a rolled-back change, safe URLs, the API (issue 14)."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from flywheel.core import events as domain_events
from flywheel.core.tenancy import tenant_scope
from tests.accounts.factories import MembershipFactory
from tests.conftest import client_for_user
from tests.webhooks.receiver import Receiver
from webhooks import services, urlsafety
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def documented_verify():
    """The Python snippet of docs/api.md, as a partner would paste it."""
    text = DOCS.read_text()
    code = re.search(r"<!-- verify-python -->\n```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)  # the documentation's own code
    return namespace["verify"]


@pytest.fixture
def admin(tenant):
    return client_for_user(MembershipFactory(tenant=tenant, role=Role.ADMIN).user)


def _endpoint(admin, tenant, url, event_types=None):
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/webhook-endpoints/",
        {"url": url, "event_types": event_types or [], "description": "partner"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_signed_delivery_reaches_a_real_receiver_and_verifies_with_the_documented_code(
    tenant, admin, django_capture_on_commit_callbacks
):
    verify = documented_verify()
    with Receiver() as receiver:
        endpoint = _endpoint(admin, tenant, receiver.url, ["customer.created"])
        # when a customer is created
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(
                f"/api/v1/tenants/{tenant.slug}/customers/",
                {"external_id": "c-1", "email": "c1@example.com"},
                format="json",
            )
    # then the receiver got one signed message that verifies
    (request,) = receiver.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert verify(endpoint["secret"], headers, request["body"])
    assert not verify("whsec_" + "A" * 44, headers, request["body"])  # another secret fails
    body = json.loads(request["body"])
    assert body["type"] == "customer.created" and body["tenant"] == tenant.slug
    assert body["data"]["external_id"] == "c-1"
    delivery = WebhookDelivery.all_tenants.get(endpoint_id=endpoint["id"])
    assert delivery.status == "succeeded" and delivery.attempts == 1
    assert headers["webhook-id"] == delivery.webhook_id


def test_a_500_then_a_200_is_retried_with_the_same_webhook_id(
    tenant, admin, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500]) as receiver:
        _endpoint(admin, tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(f"/api/v1/tenants/{tenant.slug}/customers/", {}, format="json")
        delivery = WebhookDelivery.all_tenants.get(event_type="customer.created")
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "failed",
            1,
            500,
        )
        assert delivery.next_attempt_at > timezone.now()  # the retry waits its backoff
        # when the retry is due
        services.delivery_send(delivery.pk, now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and ids == {delivery.webhook_id}


def test_a_rolled_back_change_sends_nothing(tenant, admin):
    with Receiver() as receiver:
        _endpoint(admin, tenant, receiver.url)
        with pytest.raises(RuntimeError), transaction.atomic():
            domain_events.record(tenant, "customer.created", {"customer_id": 1})
            raise RuntimeError("rolled back")
    assert receiver.requests == [] and not WebhookDelivery.all_tenants.exists()


def test_a_broker_outage_loses_no_webhook_and_sends_none_twice(
    tenant, admin, broker_down, django_capture_on_commit_callbacks
):
    from flywheel.celery import app as celery_app
    from flywheel.core import delivery

    with Receiver() as receiver:
        _endpoint(admin, tenant, receiver.url)
        # when, with the broker down, a customer is created
        with django_capture_on_commit_callbacks(execute=True):
            created = admin.post(f"/api/v1/tenants/{tenant.slug}/customers/", {}, format="json")
        assert created.status_code == 201 and receiver.requests == []
        # and the bus's sweeper makes the delivery while sending is still impossible
        later = timezone.now() + timedelta(minutes=2)
        celery_app.conf.update(task_always_eager=True)
        with django_capture_on_commit_callbacks(execute=False):  # the send is enqueued, lost
            delivery.sweep(now=later)
        (pending,) = WebhookDelivery.all_tenants.filter(event_type="customer.created")
        assert (pending.status, receiver.requests) == ("pending", [])
        # then, the broker back, the webhook sweeper sends it, once however often it runs
        with django_capture_on_commit_callbacks(execute=True):
            services.deliveries_due(now=later)
            services.deliveries_due(now=later)
    pending.refresh_from_db()
    assert (pending.status, pending.attempts, len(receiver.requests)) == ("succeeded", 1, 1)


def test_only_subscribed_types_are_sent(tenant, admin, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        _endpoint(admin, tenant, receiver.url, ["kpi.alert"])
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(f"/api/v1/tenants/{tenant.slug}/customers/", {}, format="json")
            domain_events.record(tenant, "kpi.alert", {"kpi": "churn_rate"})
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["kpi.alert"]


def test_410_disables_the_endpoint_and_tells_the_tenant(
    tenant, admin, django_capture_on_commit_callbacks
):
    from flywheel.core.models import DomainEvent

    with Receiver(statuses=[410]) as receiver:
        endpoint = _endpoint(admin, tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            domain_events.record(tenant, "kpi.alert", {"kpi": "nps"})
    stored = WebhookEndpoint.all_tenants.get(pk=endpoint["id"])
    assert not stored.active and "410" in stored.disabled_reason
    assert WebhookDelivery.all_tenants.get(endpoint=stored).status == "dead"
    assert DomainEvent.all_tenants.filter(name="webhook_endpoint.disabled").count() == 1


def test_an_endpoint_failing_for_days_is_disabled(tenant, admin, settings):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    with Receiver(statuses=[503, 503]) as receiver:
        endpoint = _endpoint(admin, tenant, receiver.url)
        with tenant_scope(tenant):
            stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
            ping = services.endpoint_test(endpoint=stored)
        now = timezone.now()
        services.delivery_send(ping.pk, now=now)
        stored.refresh_from_db()
        WebhookEndpoint.all_tenants.filter(pk=stored.pk).update(
            failing_since=now - timedelta(days=4)
        )
        services.delivery_send(ping.pk, now=now + timedelta(days=1))
    stored.refresh_from_db()
    assert not stored.active and "3 days" in stored.disabled_reason


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_slow_receiver_does_not_hold_up_another_endpoint(tenant, admin, settings, monkeypatch):
    import threading
    import time

    from django.db import connection

    from flywheel.core import queue

    monkeypatch.setattr(queue, "send", lambda *args, **kwargs: True)  # we send by hand below

    settings.WEBHOOK_TIMEOUT_SECONDS = 1.0
    with Receiver(delay=3.0) as slow, Receiver() as fast:
        slow_endpoint = _endpoint(admin, tenant, slow.url)
        fast_endpoint = _endpoint(admin, tenant, fast.url)
        with tenant_scope(tenant):
            slow_ping = services.endpoint_test(
                endpoint=WebhookEndpoint.objects.get(pk=slow_endpoint["id"])
            )
            fast_ping = services.endpoint_test(
                endpoint=WebhookEndpoint.objects.get(pk=fast_endpoint["id"])
            )
        # each delivery is its own task: the slow one times out alone
        started = time.monotonic()

        def send_slow():
            try:
                services.delivery_send(slow_ping.pk)
            finally:
                connection.close()

        worker = threading.Thread(target=send_slow)
        worker.start()
        assert services.delivery_send(fast_ping.pk) == "succeeded"
        fast_took = time.monotonic() - started
        worker.join()
    slow_ping.refresh_from_db()
    assert fast_took < 1.0
    assert slow_ping.status == "failed" and "timed out" in slow_ping.last_error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://example.com/hook",
    ],
)
def test_private_addresses_are_refused_in_production(tenant, admin, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/webhook-endpoints/", {"url": url}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "url"


def test_an_address_that_turns_private_is_refused_at_send_time(
    tenant, admin, settings, monkeypatch
):
    # DNS rebinding: the name resolved publicly when saved, to loopback when sending
    with Receiver() as receiver:
        endpoint = _endpoint(admin, tenant, receiver.url)
        settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
        with tenant_scope(tenant):
            ping = services.endpoint_test(endpoint=WebhookEndpoint.objects.get(pk=endpoint["id"]))
        assert services.delivery_send(ping.pk) == "failed"
    ping.refresh_from_db()
    assert receiver.requests == [] and "not a public address" in ping.last_error


def test_urlsafety_checks_every_resolved_address(settings, monkeypatch):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    monkeypatch.setattr(
        urlsafety.socket,
        "getaddrinfo",
        lambda *a, **k: [(2, 1, 6, "", ("93.184.216.34", 443)), (2, 1, 6, "", ("10.1.2.3", 443))],
    )
    with pytest.raises(urlsafety.UnsafeURLError):
        urlsafety.check("https://rebind.example.com/hook")


def test_the_secret_is_shown_once_rotated_with_overlap_and_stored_encrypted(tenant, admin):
    from tests.secrets import columns_holding

    with Receiver() as receiver:
        endpoint = _endpoint(admin, tenant, receiver.url)
        old = endpoint["secret"]
        url = f"/api/v1/tenants/{tenant.slug}/webhook-endpoints/{endpoint['id']}/"
        listed = admin.get(url).json()
        rotated = admin.post(f"{url}rotate-secret/", {"overlap_hours": 1}, format="json").json()
        with tenant_scope(tenant):
            stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
            ping = services.endpoint_test(endpoint=stored)
        services.delivery_send(ping.pk)
    assert old.startswith("whsec_") and "secret" not in listed
    assert rotated["secret"] != old and rotated["previous_secret_expires_at"]
    signatures = receiver.requests[0]["headers"]["webhook-signature"].split()
    assert len(signatures) == 2  # both secrets sign during the overlap
    verify = documented_verify()
    headers = {k.lower(): v for k, v in receiver.requests[0]["headers"].items()}
    assert verify(old, headers, receiver.requests[0]["body"])
    assert verify(rotated["secret"], headers, receiver.requests[0]["body"])
    assert columns_holding(old) == [] and columns_holding(rotated["secret"]) == []


def test_unknown_event_types_are_400(tenant, admin):
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/webhook-endpoints/",
        {"url": "http://127.0.0.1:9/hook", "event_types": ["customer.exploded"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "event_types"


def test_deliveries_are_listed_filtered_and_retried(
    tenant, admin, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500]) as receiver:
        endpoint = _endpoint(admin, tenant, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            test = admin.post(
                f"/api/v1/tenants/{tenant.slug}/webhook-endpoints/{endpoint['id']}/test/"
            )
        base = f"/api/v1/tenants/{tenant.slug}"
        failed = admin.get(
            f"{base}/webhook-endpoints/{endpoint['id']}/deliveries/", {"status": "failed"}
        ).json()["results"]
        ok = admin.get(
            f"{base}/webhook-endpoints/{endpoint['id']}/deliveries/", {"status": "succeeded"}
        ).json()["results"]
        with django_capture_on_commit_callbacks(execute=True):
            retried = admin.post(f"{base}/webhook-deliveries/{failed[0]['id']}/retry/")
    assert test.status_code == 202 and test.json()["event_type"] == "webhook.ping"
    assert [d["last_status_code"] for d in failed] == [500] and ok == []
    assert retried.status_code == 202
    assert WebhookDelivery.all_tenants.get(pk=failed[0]["id"]).status == "succeeded"
    assert len(receiver.requests) == 2


def test_members_and_keys_without_the_scope_cannot_manage_endpoints(
    tenant, member_client, key_client
):
    member, _ = member_client(Role.MEMBER)
    keyed, _ = key_client(scopes=["customers:read"])
    url = f"/api/v1/tenants/{tenant.slug}/webhook-endpoints/"
    assert member.get(url).status_code == 403
    assert keyed.get(url).status_code == 403
