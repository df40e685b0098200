"""Write use-cases of webhooks: endpoints (create, change, rotate, test) and deliveries
(create for domain events, send, retry, give up), with the endpoint's health.

Delivery is at least once: each (endpoint, event) gets one `WebhookDelivery` with a stable
`webhook-id`; a send claims the delivery with a short lease, posts it outside any transaction
(a slow receiver holds no lock and no other endpoint's task), and writes the outcome. A 2xx
is success; 410 disables the endpoint; anything else is retried on the Standard Webhooks
schedule (about a day) with jitter, then the delivery is dead. An endpoint failing for
`WEBHOOK_DISABLE_AFTER_DAYS` is disabled and the tenant told (`webhook_endpoint.disabled`).
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from flywheel.core import events as domain_events
from flywheel.core import queue
from flywheel.core.catalogue import is_known
from flywheel.core.errors import InvalidFieldsError
from webhooks import sender, signing, urlsafety
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from webhooks.secrets_store import seal, unseal

SEND_TASK = "webhooks.tasks.webhook_delivery_send_task"
# Seconds before each retry (Standard Webhooks' schedule): 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h, 10 h: about 27 hours in all, then the delivery is dead.
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
LEASE = timedelta(seconds=120)


# --- endpoints -----------------------------------------------------------------------------


def _checked_url(url: str) -> str:
    try:
        urlsafety.check(url)
    except urlsafety.UnsafeURLError as error:
        raise InvalidFieldsError({"url": [str(error)]}, code="unsafe_url") from error
    return url


def _checked_types(event_types: list[str]) -> list[str]:
    unknown = sorted(t for t in event_types if not is_known(t))
    if unknown:
        raise InvalidFieldsError(
            {"event_types": [f"Unknown event types: {', '.join(unknown)}."]}, code="invalid_choice"
        )
    return sorted(set(event_types))


def endpoint_create(
    *, tenant, url: str, event_types: list[str], description: str = "", active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (shown once; stored encrypted)."""
    secret = signing.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant,
        url=_checked_url(url),
        event_types=_checked_types(event_types),
        description=description,
        active=active,
        secret_encrypted=seal(secret),
    )
    return endpoint, secret


def endpoint_update(*, endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    """Change url, types, description or `active` (re-activating clears the failure state)."""
    if "url" in changes:
        changes["url"] = _checked_url(changes["url"])
    if "event_types" in changes:
        changes["event_types"] = _checked_types(changes["event_types"])
    if changes.get("active") and not endpoint.active:
        changes |= {"failure_count": 0, "failing_since": None, "disabled_reason": ""}
        changes["disabled_at"] = None
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save()
    return endpoint


def endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, overlap: timedelta = timedelta(hours=24)
) -> tuple[WebhookEndpoint, str]:
    """A new secret; the current one keeps signing beside it until `overlap` has passed."""
    secret = signing.new_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires_at = timezone.now() + overlap
    endpoint.secret_encrypted = seal(secret)
    endpoint.save(
        update_fields=[
            "secret_encrypted",
            "previous_secret_encrypted",
            "previous_secret_expires_at",
        ]
    )
    return endpoint, secret


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    secrets = [unseal(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires and expires > now:
        secrets.append(unseal(endpoint.previous_secret_encrypted))
    return secrets


def endpoint_test(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a `webhook.ping` to the endpoint now (queued like any delivery)."""
    delivery = WebhookDelivery.objects.create(
        tenant=endpoint.tenant,
        endpoint=endpoint,
        event_type="webhook.ping",
        webhook_id=f"msg_ping_{endpoint.pk}_{int(time.time() * 1000)}",
        payload=_body(
            endpoint.tenant,
            "webhook.ping",
            timezone.now(),
            {"endpoint_id": endpoint.pk, "message": "Hello from Flywheel."},
        ),
    )
    transaction.on_commit(lambda: queue.send(SEND_TASK, [delivery.pk]))
    return delivery


# --- deliveries ----------------------------------------------------------------------------


def _body(tenant, event_type: str, occurred_at: datetime, data: dict) -> dict:
    return {
        "type": event_type,
        "timestamp": occurred_at.isoformat(),
        "tenant": tenant.slug,
        "data": data,
    }


def _customer_of(payload: dict) -> int | None:
    """The customer an event is about (for the support admin's customer page), if any."""
    value = payload.get("customer_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def deliveries_create(*, tenant, events) -> list[WebhookDelivery]:
    """One pending delivery per (active endpoint subscribed to its type, event), sent after
    commit, each by its own task. Idempotent: a second call for the same events makes none."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    rows = [
        WebhookDelivery(
            tenant=tenant,
            endpoint=endpoint,
            event=event,
            event_type=event.name,
            webhook_id=f"msg_{event.pk}_{endpoint.pk}",
            payload=_body(tenant, event.name, event.occurred_at, event.payload),
            customer_id=_customer_of(event.payload),
        )
        for event in events
        for endpoint in endpoints
        if endpoint.takes(event.name)
    ]
    if not rows:
        return []
    # all_tenants: the rows carry their tenant; conflicts are a repeated delivery of the events.
    WebhookDelivery.all_tenants.bulk_create(rows, ignore_conflicts=True)
    created = list(
        WebhookDelivery.objects.filter(
            webhook_id__in=[r.webhook_id for r in rows], status=DeliveryState.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: [queue.send(SEND_TASK, [pk]) for pk in created])
    return created


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for one attempt: due, not finished, not leased by another sender."""
    # all_tenants: the send task gets an id; the delivery row names its own tenant.
    return bool(
        WebhookDelivery.all_tenants.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=delivery_id,
            status__in=[DeliveryState.PENDING, DeliveryState.FAILED],
        ).update(next_attempt_at=now + LEASE)
    )


def delivery_send(delivery_id: int, now: datetime | None = None) -> str | None:
    """One attempt of a delivery; returns its status afterwards (None: not due or finished)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.all_tenants.select_related("endpoint", "tenant").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        _finish(delivery, DeliveryState.DEAD, error="The endpoint is disabled.")
        return DeliveryState.DEAD
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    headers = signing.headers(
        signing_secrets(endpoint, now), delivery.webhook_id, int(now.timestamp()), body
    )
    outcome = sender.post(endpoint.url, body, headers)
    return _record(delivery, endpoint, outcome, now)


def _finish(delivery: WebhookDelivery, status: str, **fields) -> None:
    fields = {"status": status, "next_attempt_at": None, **fields}
    # all_tenants: bookkeeping of one delivery by primary key.
    WebhookDelivery.all_tenants.filter(pk=delivery.pk).update(**fields)


def _record(delivery, endpoint, outcome: sender.Outcome, now: datetime) -> str:
    attempts = delivery.attempts + 1
    common = {
        "attempts": attempts,
        "last_status_code": outcome.status,
        "last_response": outcome.excerpt,
        "last_error": outcome.error,
        "last_duration_ms": outcome.duration_ms,
    }
    if outcome.ok:
        _finish(delivery, DeliveryState.SUCCEEDED, delivered_at=now, **common)
        WebhookEndpoint.all_tenants.filter(pk=endpoint.pk).update(
            failure_count=0, failing_since=None
        )
        return DeliveryState.SUCCEEDED
    if outcome.status == 410:
        _finish(delivery, DeliveryState.DEAD, **common)
        endpoint_disable(endpoint=endpoint, reason="The receiver answered 410 Gone.")
        return DeliveryState.DEAD
    _endpoint_failed(endpoint, now)
    if attempts > len(RETRY_SCHEDULE):
        _finish(delivery, DeliveryState.DEAD, **common)
        return DeliveryState.DEAD
    delay = int(RETRY_SCHEDULE[attempts - 1] * random.uniform(0.8, 1.2))
    WebhookDelivery.all_tenants.filter(pk=delivery.pk).update(
        status=DeliveryState.FAILED, next_attempt_at=now + timedelta(seconds=delay), **common
    )
    queue.send(SEND_TASK, [delivery.pk], countdown=delay)
    return DeliveryState.FAILED


def _endpoint_failed(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Count a failure; an endpoint failing for days is disabled."""
    since = endpoint.failing_since or now
    WebhookEndpoint.all_tenants.filter(pk=endpoint.pk).update(
        failure_count=endpoint.failure_count + 1, failing_since=since
    )
    if now - since >= timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS):
        days = settings.WEBHOOK_DISABLE_AFTER_DAYS
        endpoint_disable(endpoint=endpoint, reason=f"Every delivery failed for {days} days.")


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop sending to the endpoint and tell the tenant (`webhook_endpoint.disabled`)."""
    changed = WebhookEndpoint.all_tenants.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_reason=reason[:200], disabled_at=timezone.now()
    )
    if changed:
        domain_events.record(
            endpoint.tenant,
            "webhook_endpoint.disabled",
            {"endpoint_id": endpoint.pk, "url": endpoint.url, "reason": reason},
        )


def delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (after the partner fixed its receiver), whatever its state;
    it keeps its `webhook-id`, so a receiver that already has it can drop it."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryState.PENDING, next_attempt_at=None
    )
    transaction.on_commit(lambda: queue.send(SEND_TASK, [delivery.pk]))
    delivery.refresh_from_db()
    return delivery


def deliveries_due(now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue deliveries whose attempt is due (lost enqueues, expired leases); beat, every
    minute. Returns how many."""
    now = now or timezone.now()
    # all_tenants: the sweeper works across tenants; each task handles one delivery.
    due = list(
        WebhookDelivery.all_tenants.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            status__in=[DeliveryState.PENDING, DeliveryState.FAILED],
            created_at__lt=now - timedelta(seconds=30),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        queue.send(SEND_TASK, [pk])
    return len(due)
