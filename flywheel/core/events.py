"""Domain events: what a service changed, recorded in its transaction, delivered after commit.

A service calls `record(tenant, name, payload)` (or `record_many`) inside its transaction: the
event is stored as a `DomainEvent` row (the outbox). Once the transaction commits, one
delivery task per interested subscriber is enqueued for the batch (`flywheel.core.delivery`
runs it). The payload carries the facts subscribers need, so they do not query them again.

Enqueueing never fails the request: when the broker is unreachable the error is logged and
the beat sweeper (`domain_events_sweep_task`, every minute) delivers what is still pending.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from flywheel.core import queue, subscribers
from flywheel.core.models import DomainEvent


def record(tenant, name: str, payload: dict[str, Any]) -> DomainEvent:
    """Store one domain event in the current transaction; subscribers take it after commit."""
    return record_many(tenant, name, [payload])[0]


def record_many(tenant, name: str, payloads: Iterable[dict[str, Any]]) -> list[DomainEvent]:
    """Store several events of one name in one INSERT; one task per subscriber after commit.

    An event nobody subscribes to is settled at once."""
    now = timezone.now()
    interested = subscribers.subscribers_for(name)
    settled = None if interested else now
    rows = [
        DomainEvent(tenant=tenant, name=name, payload=payload, occurred_at=now, settled_at=settled)
        for payload in payloads
    ]
    if not rows:
        return []
    # all_tenants: the rows carry their tenant explicitly; services may run outside a scope.
    created = DomainEvent.all_tenants.bulk_create(rows)
    ids = [event.pk for event in created]  # PostgreSQL and SQLite >= 3.35 return them
    if interested:
        names = [s.name for s in interested]
        transaction.on_commit(lambda: queue.send_deliveries({name: ids for name in names}))
    return created


def group_by_subscriber(events: Iterable[tuple[int, str]]) -> dict[str, list[int]]:
    """(event id, event name) pairs -> subscriber name -> event ids."""
    batches: dict[str, list[int]] = defaultdict(list)
    for pk, name in events:
        for subscriber in subscribers.subscribers_for(name):
            batches[subscriber.name].append(pk)
    return dict(batches)
