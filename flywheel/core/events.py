"""Domain events: what a service changed, recorded in its transaction, handled after commit.

A service calls `record(tenant, name, payload)` (or `record_many`) inside its transaction: the
event is stored as a `DomainEvent` row (the outbox) and, once the transaction commits, one
Celery task runs the registered handlers for it (in-process when no broker is configured).
Apps register handlers with `@handler("customer.created")` (or `"*"` for every event) in their
`AppConfig.ready()`. Handlers run inside the event's tenant scope and must be idempotent:
a retried task runs them again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from flywheel.core.models import DomainEvent

logger = logging.getLogger(__name__)

Handler = Callable[[DomainEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function for domain events called `name` (`"*"`: all)."""

    def register(func: Handler) -> Handler:
        if func not in _handlers[name]:
            _handlers[name].append(func)
        return func

    return register


def handlers_for(name: str) -> list[Handler]:
    return [*_handlers.get(name, []), *_handlers.get("*", [])]


def record(tenant, name: str, payload: dict[str, Any]) -> DomainEvent:
    """Store one domain event in the current transaction; handlers run after commit."""
    return record_many(tenant, name, [payload])[0]


def record_many(tenant, name: str, payloads: Iterable[dict[str, Any]]) -> list[DomainEvent]:
    """Store several events of one name in one INSERT; one task handles them after commit."""
    now = timezone.now()
    rows = [
        DomainEvent(tenant=tenant, name=name, payload=payload, occurred_at=now)
        for payload in payloads
    ]
    if not rows:
        return []
    # all_tenants: the rows carry their tenant explicitly; services may run outside a scope.
    created = DomainEvent.all_tenants.bulk_create(rows)
    ids = [event.pk for event in created]  # PostgreSQL and SQLite >= 3.35 return them
    transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from flywheel.core.tasks import domain_events_dispatch_task

    domain_events_dispatch_task.delay(ids)


def dispatch(ids: list[int]) -> int:
    """Run the handlers of the given events, each in its tenant's scope; returns how many ran."""
    from flywheel.core.tenancy import tenant_scope

    ran = 0
    # all_tenants: the dispatcher works across tenants and scopes each event itself.
    events = DomainEvent.all_tenants.select_related("tenant").filter(pk__in=ids).order_by("pk")
    for event in events:
        with tenant_scope(event.tenant):
            for func in handlers_for(event.name):
                func(event)
                ran += 1
    return ran
