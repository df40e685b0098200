"""Read queries of customers: filters shared by lists and saved segments, the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from customers.models import Customer, Event, StageChange


def customers_with_tags(queryset: QuerySet[Customer], tags: list[str]) -> QuerySet[Customer]:
    """Customers carrying every one of `tags` (JSON containment; json_each on SQLite)."""
    if not tags:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(tags__contains=tags)
    table = Customer._meta.db_table
    clause = f'EXISTS (SELECT 1 FROM json_each("{table}"."tags") WHERE json_each.value = %s)'
    return queryset.extra(where=[clause] * len(tags), params=list(tags))


NPS_CATEGORIES = {
    "promoter": {"nps_score__gte": 9},
    "passive": {"nps_score__gte": 7, "nps_score__lte": 8},
    "detractor": {"nps_score__lte": 6},
    "none": {"nps_score__isnull": True},
}


@dataclass(frozen=True)
class TimelineEntry:
    type: str  # "event" or "stage_change"
    at: datetime
    id: int
    data: dict[str, Any]


def customer_timeline(
    *, customer: Customer, before: datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Events and stage changes of a customer, newest first, at most `limit`, before `before`.

    Two indexed queries of `limit` rows each, merged; constant work per page.
    """
    events = Event.objects.filter(customer=customer)
    changes = StageChange.objects.filter(customer=customer)
    if before is not None:
        events = events.filter(occurred_at__lt=before)
        changes = changes.filter(changed_at__lt=before)
    entries = [
        TimelineEntry(
            "event",
            e.occurred_at,
            e.pk,
            {"id": e.sender_id, "kind": e.kind, "value": e.value, "properties": e.properties},
        )
        for e in events.order_by("-occurred_at", "-id")[:limit]
    ] + [
        TimelineEntry(
            "stage_change",
            c.changed_at,
            c.pk,
            {
                "from_stage": c.from_stage or None,
                "to_stage": c.to_stage,
                "changed_by_user": c.changed_by_user_id,
                "changed_by_api_key": c.changed_by_api_key_id,
            },
        )
        for c in changes.order_by("-changed_at", "-id")[:limit]
    ]
    entries.sort(key=lambda entry: (entry.at, entry.type == "event", entry.id), reverse=True)
    return entries[:limit]
