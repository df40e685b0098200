"""Automation: the tenant's active rules turn ingested events into UGC requests, set-based."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from customers.event_facts import EventFact
from customers.models import Event, EventKind
from flywheel.core import events as domain_events
from flywheel.core.sql import insert_ignoring_conflicts
from ugc.defaults import DEFAULT_RULES
from ugc.models import UGCRequest, UGCRule, UGCTrigger
from ugc.services.requests import new_request, payload


def ugc_rules_ensure_defaults(*, tenant) -> int:
    """Give a tenant the five default rules it lacks (idempotent); returns how many."""
    have = set(UGCRule.objects.values_list("trigger", flat=True))
    missing = [
        UGCRule(tenant=tenant, **spec) for spec in DEFAULT_RULES if spec["trigger"] not in have
    ]
    UGCRule.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _repeated(events: list[EventFact], kind: str, rule: UGCRule, by_property: str | None) -> list:
    """Events whose customer (and feature) reached the rule's count within its window."""
    if not events:
        return []
    since = timezone.now() - timedelta(days=rule.window_days)
    key = f"properties__{by_property}" if by_property else None
    fields = ["customer_id", key] if key else ["customer_id"]
    counts = (
        Event.objects.filter(
            kind=kind, occurred_at__gte=since, customer_id__in={e.customer_id for e in events}
        )
        .values(*fields)
        .annotate(n=Count("id"))
        .filter(n__gte=rule.threshold or 1)
    )
    reached = {tuple(row[f] for f in fields) for row in counts}
    return [
        e
        for e in events
        if ((e.customer_id, e.properties.get(by_property)) if key else (e.customer_id,)) in reached
    ]


def _matches(rule: UGCRule, events: list[EventFact]) -> list[EventFact]:
    """The events that trigger `rule` (its threshold applied)."""
    by_kind: dict[str, list[EventFact]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    threshold = rule.threshold
    if rule.trigger == UGCTrigger.PROMOTER:
        return [e for e in by_kind.get(EventKind.NPS, []) if e.value >= (threshold or 9)]
    if rule.trigger == UGCTrigger.POSITIVE_SUPPORT:
        return [
            e
            for e in by_kind.get(EventKind.SUPPORT_TICKET, [])
            if e.properties.get("status") == "closed"
            and (e.properties.get("csat") or 0) >= (threshold or 4)
        ]
    if rule.trigger == UGCTrigger.MILESTONE:
        return by_kind.get(EventKind.MILESTONE, [])
    if rule.trigger == UGCTrigger.FEATURE_USAGE:
        return _repeated(
            by_kind.get(EventKind.FEATURE_USED, []), EventKind.FEATURE_USED, rule, "feature"
        )
    if rule.trigger == UGCTrigger.COMMUNITY_ACTIVITY:
        return _repeated(by_kind.get(EventKind.COMMUNITY, []), EventKind.COMMUNITY, rule, None)
    return []


def ugc_requests_from_events(*, tenant, events: list[EventFact]) -> list[UGCRequest]:
    """Create the requests the active rules ask for, for these (newly stored) events, as
    the `events.ingested` domain events describe them.

    At most one request per customer per cool-down (whatever its kind), never a second open
    request of a kind, and a rule acts on an event once: the database's unique constraints
    decide, so a repeated delivery or a concurrent worker creates nothing new. Records
    `ugc_request.created` for each request.
    """
    rules = list(UGCRule.objects.filter(active=True))
    if not rules:
        return []
    events = sorted(events, key=lambda e: (e.occurred_at, e.pk))
    now = timezone.now()
    longest = max(rule.cooldown_days for rule in rules)
    recent = dict(
        UGCRequest.objects.filter(
            customer_id__in={e.customer_id for e in events},
            created_at__gte=now - timedelta(days=longest),
        )
        .order_by("created_at")
        .values_list("customer_id", "created_at")
    )
    chosen: dict[int, UGCRequest] = {}
    for rule in rules:
        for event in _matches(rule, events):
            last_asked = recent.get(event.customer_id)
            cooling = last_asked and last_asked > now - timedelta(days=rule.cooldown_days)
            if cooling or event.customer_id in chosen:
                continue
            chosen[event.customer_id] = new_request(
                tenant=tenant,
                customer_id=event.customer_id,
                kind=rule.request_kind,
                trigger=rule.trigger,
                rule=rule,
                source_event_id=event.pk,
                now=now,
            )
    created_ids = {
        pk
        for (pk,) in insert_ignoring_conflicts(
            UGCRequest, list(chosen.values()), conflict="", returning=("id",)
        )
    }
    created = list(UGCRequest.objects.filter(pk__in=created_ids))
    domain_events.record_many(tenant, "ugc_request.created", [payload(r) for r in created])
    return created
