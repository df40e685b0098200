"""Delivering domain events to a subscriber: once per (subscriber, event), retried alone.

`deliver(name, event_ids)` runs one subscriber over a batch, per tenant and inside the
tenant's scope, in one transaction that first claims the events in the ledger
(`EventDelivery`, unique per subscriber and event: `INSERT ... ON CONFLICT DO UPDATE ...
WHERE status <> 'done' RETURNING`) and then applies the subscriber's effects. Committed
together, a claimed event has taken effect; a concurrent or repeated delivery claims nothing
and does nothing. When the subscriber raises, its transaction (claims included) rolls back,
the failure is written with its error, and the batch is retried for this subscriber alone
with exponential backoff and jitter; after `max_attempts` it is parked (admin: retry).

`sweep()` is the safety net of the outbox: every minute it delivers events that still have
a subscriber without a ledger row (the enqueue after commit was lost, e.g. the broker was
down) or whose retry is overdue.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from flywheel.core import queue, subscribers
from flywheel.core.models import DeliveryStatus, DomainEvent, EventDelivery
from flywheel.core.observability.metrics import BUS_DELIVERIES
from flywheel.core.tenancy import tenant_scope

logger = logging.getLogger(__name__)

GRACE = timedelta(seconds=60)
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
SWEEP_LIMIT = 5000
FINISHED = (DeliveryStatus.DONE, DeliveryStatus.PARKED)


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> int:
    """Seconds before attempt `attempts + 1`: 10 s doubling to at most an hour, +-50 %."""
    base = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return max(1, int(base * (rng or random).uniform(0.5, 1.5)))


def _ledger_sql(set_sql: str, *, returning: str) -> str:
    table = connection.ops.quote_name(EventDelivery._meta.db_table)
    return (
        f"INSERT INTO {table} (tenant_id, subscriber, event_id, status, attempts, last_error, "
        "next_attempt_at, updated_at) VALUES {values} "
        f"ON CONFLICT (subscriber, event_id) DO UPDATE SET {set_sql} "
        f"WHERE {table}.status <> 'done' RETURNING {returning}"
    )


def _rows(tenant_id, name, events, status, error, next_at, now) -> tuple[str, list]:
    adapt = connection.ops.adapt_datetimefield_value
    values = ", ".join(["(%s, %s, %s, %s, 1, %s, %s, %s)"] * len(events))
    params = []
    for event in events:
        params += [tenant_id, name, event.pk, status, error, adapt(next_at), adapt(now)]
    return values, params


def _claim(subscriber, tenant_id: int, events: list[DomainEvent], now: datetime) -> set[int]:
    """Ledger rows `done` for the events not done yet; returns the ids this call claimed."""
    table = connection.ops.quote_name(EventDelivery._meta.db_table)
    values, params = _rows(tenant_id, subscriber.name, events, DeliveryStatus.DONE, "", None, now)
    sql = _ledger_sql(
        f"status = 'done', attempts = {table}.attempts + 1, last_error = '', "
        "next_attempt_at = NULL, updated_at = excluded.updated_at",
        returning="event_id",
    ).format(values=values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _record_failure(subscriber, tenant_id, events, error: str, now) -> tuple[int, bool]:
    """Write the failed attempt of each event (not done meanwhile); returns (attempts, parked)
    of the batch, judged by its most tried event."""
    table = connection.ops.quote_name(EventDelivery._meta.db_table)
    limit = subscriber.max_attempts
    values, params = _rows(
        tenant_id,
        subscriber.name,
        events,
        DeliveryStatus.PARKED if limit <= 1 else DeliveryStatus.FAILED,
        error,
        now + timedelta(seconds=backoff_seconds(1)),
        now,
    )
    sql = _ledger_sql(
        f"attempts = {table}.attempts + 1, last_error = excluded.last_error, "
        f"status = CASE WHEN {table}.attempts + 1 >= {int(limit)} THEN 'parked' ELSE 'failed' END, "
        "next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at",
        returning="attempts, status",
    ).format(values=values)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return 0, False
    attempts = max(row[0] for row in rows)
    return attempts, any(row[1] == DeliveryStatus.PARKED for row in rows)


def settle(event_ids: list[int], now: datetime | None = None) -> int:
    """Mark the events whose every subscriber is done or parked; returns how many."""
    now = now or timezone.now()
    # all_tenants: settling is bookkeeping of the outbox across tenants, by primary key.
    events = DomainEvent.all_tenants.filter(pk__in=event_ids, settled_at__isnull=True)
    by_name: dict[str, list[int]] = defaultdict(list)
    for pk, name in events.values_list("pk", "name"):
        by_name[name].append(pk)
    settled = 0
    for name, ids in by_name.items():
        needed = len(subscribers.subscribers_for(name))
        finished = (
            EventDelivery.all_tenants.filter(event_id__in=ids, status__in=FINISHED)
            .values("event_id")
            .annotate(n=Count("id"))
            .filter(n__gte=needed)
            .values_list("event_id", flat=True)
        )
        ready = ids if needed == 0 else list(finished)
        settled += DomainEvent.all_tenants.filter(pk__in=ready).update(settled_at=now)
    return settled


def deliver(name: str, event_ids: list[int]) -> dict[str, int]:
    """Run the subscriber `name` over these events (see the module docstring).

    Returns counts: `done` (taken now), `skipped` (done before), `failed`, `parked`. A failed
    batch is re-enqueued for this subscriber alone after its backoff."""
    subscriber = subscribers.get(name)
    outcome = {"done": 0, "skipped": 0, "failed": 0, "parked": 0}
    if subscriber is None:
        logger.error("No subscriber %r; %d events not delivered.", name, len(event_ids))
        return outcome
    # all_tenants: delivery spans tenants; each batch runs in its own tenant's scope.
    events = [
        e
        for e in DomainEvent.all_tenants.select_related("tenant")
        .filter(pk__in=event_ids)
        .order_by("pk")
        if subscriber.takes(e.name)
    ]
    by_tenant: dict[int, list[DomainEvent]] = defaultdict(list)
    for event in events:
        by_tenant[event.tenant_id].append(event)
    retry: list[tuple[list[int], int]] = []
    for tenant_id, batch in by_tenant.items():
        now = timezone.now()
        try:
            with tenant_scope(batch[0].tenant), transaction.atomic():
                claimed = _claim(subscriber, tenant_id, batch, now)
                if claimed:
                    subscriber.func([e for e in batch if e.pk in claimed])
            outcome["done"] += len(claimed)
            outcome["skipped"] += len(batch) - len(claimed)
        except Exception as error:  # any subscriber error: recorded, retried alone, parked
            logger.exception("Subscriber %s failed on %d events.", name, len(batch))
            text = f"{type(error).__name__}: {error}"[:2000]
            with tenant_scope(batch[0].tenant):
                attempts, parked = _record_failure(subscriber, tenant_id, batch, text, now)
            if parked:
                outcome["parked"] += len(batch)
            else:
                outcome["failed"] += len(batch)
                retry.append(([e.pk for e in batch], attempts))
    settle([e.pk for e in events])
    for state, count in outcome.items():
        if count:
            BUS_DELIVERIES.labels(name, state).inc(count)
    for ids, attempts in retry:
        schedule_retry(name, ids, attempts)
    return outcome


def schedule_retry(name: str, event_ids: list[int], attempts: int) -> None:
    """Enqueue the next attempt after its backoff (if the broker is down, the sweeper picks
    the batch up once its `next_attempt_at` has passed)."""
    queue.send_delivery(name, event_ids, countdown=backoff_seconds(attempts))


def retry_parked(delivery_ids: list[int]) -> int:
    """Give parked deliveries another round (support staff, after fixing the cause)."""
    # all_tenants: support staff retry across tenants from the admin.
    rows = list(EventDelivery.all_tenants.filter(pk__in=delivery_ids, status=DeliveryStatus.PARKED))
    EventDelivery.all_tenants.filter(pk__in=[r.pk for r in rows]).update(
        status=DeliveryStatus.FAILED, attempts=0, next_attempt_at=None
    )
    DomainEvent.all_tenants.filter(pk__in=[r.event_id for r in rows]).update(settled_at=None)
    batches: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        batches[row.subscriber].append(row.event_id)
    queue.send_deliveries(dict(batches))
    return len(rows)


def sweep(*, now: datetime | None = None, grace: timedelta = GRACE) -> int:
    """Deliver what is still pending after `grace`: subscribers with no ledger row for an
    event, and failed ones whose retry is overdue. Returns the number of tasks enqueued."""
    now = now or timezone.now()
    cutoff = now - grace
    # all_tenants: the sweeper is the outbox's cross-tenant dispatcher.
    pending = list(
        DomainEvent.all_tenants.filter(settled_at__isnull=True, occurred_at__lt=cutoff)
        .order_by("occurred_at")
        .values_list("pk", "name")[:SWEEP_LIMIT]
    )
    if not pending:
        return 0
    queue.resume()  # the sweeper runs in a worker: it may try the broker again
    state = {
        (event_id, name): (status, next_at)
        for event_id, name, status, next_at in EventDelivery.all_tenants.filter(
            event_id__in=[pk for pk, _ in pending]
        ).values_list("event_id", "subscriber", "status", "next_attempt_at")
    }
    batches: dict[str, list[int]] = defaultdict(list)
    for pk, event_name in pending:
        for subscriber in subscribers.subscribers_for(event_name):
            status, next_at = state.get((pk, subscriber.name), (None, None))
            overdue = status == DeliveryStatus.FAILED and (next_at is None or next_at <= cutoff)
            if status is None or overdue:
                batches[subscriber.name].append(pk)
    settle([pk for pk, _ in pending], now)
    return queue.send_deliveries(dict(batches))


def parked_count() -> int:
    # all_tenants: an operations figure across tenants.
    return EventDelivery.all_tenants.filter(Q(status=DeliveryStatus.PARKED)).count()
