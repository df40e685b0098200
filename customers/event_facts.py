"""The facts an `events.ingested` domain event carries, so subscribers need not query them.

`fact_of(event)` is what ingestion puts in the payload for each stored event; `facts_of`
reads them back for a batch of domain events. Only the properties the rules of other apps
read travel (a payment's status, a ticket's csat, a feature's name...), not the whole
free-form `properties`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

FACT_PROPERTIES = ("status", "csat", "feature", "name", "action", "plan")


@dataclass(frozen=True)
class EventFact:
    """One stored activity event as subscribers see it (`pk` is our event id)."""

    pk: int
    customer_id: int
    kind: str
    occurred_at: datetime
    value: Decimal | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def fact_of(pk: int, *, customer_id, kind, occurred_at, value, properties) -> dict[str, Any]:
    return {
        "id": pk,
        "customer_id": customer_id,
        "kind": kind,
        "occurred_at": occurred_at.isoformat(),
        "value": None if value is None else str(value),
        "properties": {k: properties[k] for k in FACT_PROPERTIES if k in properties},
    }


def facts_of(domain_events) -> list[EventFact]:
    """The activity events listed by a batch of `events.ingested` domain events."""
    return [
        EventFact(
            pk=item["id"],
            customer_id=item["customer_id"],
            kind=item["kind"],
            occurred_at=datetime.fromisoformat(item["occurred_at"]),
            value=None if item["value"] is None else Decimal(item["value"]),
            properties=item.get("properties", {}),
        )
        for event in domain_events
        for item in event.payload.get("events", [])
    ]


def customer_ids_of(domain_events) -> list[int]:
    """The customers of a batch of `events.ingested` domain events."""
    return sorted({pk for event in domain_events for pk in event.payload.get("customer_ids", [])})


def fact_from_event(event) -> EventFact:
    """The fact of a stored `customers.Event` (what its domain event would carry)."""
    item = fact_of(
        event.pk,
        customer_id=event.customer_id,
        kind=event.kind,
        occurred_at=event.occurred_at,
        value=event.value,
        properties=event.properties,
    )
    return EventFact(
        pk=item["id"],
        customer_id=item["customer_id"],
        kind=item["kind"],
        occurred_at=event.occurred_at,
        value=None if item["value"] is None else Decimal(item["value"]),
        properties=item["properties"],
    )
