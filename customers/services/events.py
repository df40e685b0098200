"""Activity-event ingestion: validate per item, store once per sender id, set-based."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from customers.actors import Actor
from customers.event_facts import fact_of
from customers.event_rules import CleanEvent, clean_event
from customers.models import Customer, Event, EventKind, StageChange
from customers.services.customers import created_payload, initial_stage_change
from flywheel.core import events as domain_events
from flywheel.core.observability.metrics import EVENTS_INGESTED
from flywheel.core.sql import insert_ignoring_conflicts, update_from_values

MAX_BATCH = 1000


@dataclass
class IngestResult:
    """Per-item outcome in request order, and the counts of each."""

    results: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    duplicate: int = 0
    rejected: int = 0
    event_ids: list[int] = field(default_factory=list)

    def add(self, index: int, sender_id: Any, status: str, errors=None) -> None:
        item: dict[str, Any] = {"index": index, "id": sender_id, "status": status}
        if errors:
            item["errors"] = errors
        self.results.append(item)
        setattr(self, status, getattr(self, status) + 1)


def _create_leads(tenant, external_ids: set[str], actor: Actor) -> dict[str, int]:
    """Create a lead per unknown external id (skipping ones created concurrently)."""
    now = timezone.now()
    leads = [
        Customer(tenant=tenant, external_id=ext, created_at=now) for ext in sorted(external_ids)
    ]
    inserted = insert_ignoring_conflicts(
        Customer,
        leads,
        conflict="(tenant_id, external_id) WHERE external_id IS NOT NULL",
        returning=("id", "external_id"),
    )
    created = []
    for pk, external_id in inserted:
        lead = Customer(pk=pk, tenant=tenant, external_id=external_id, created_at=now)
        created.append(lead)
    StageChange.objects.bulk_create([initial_stage_change(lead, actor) for lead in created])
    domain_events.record_many(tenant, "customer.created", [created_payload(c) for c in created])
    return dict(
        Customer.objects.filter(external_id__any_of=external_ids).values_list("external_id", "pk")
    )


def _resolve_customers(
    tenant, events: list[tuple[int, CleanEvent]], create_missing: bool, actor: Actor
) -> dict[str, int]:
    """external id -> customer pk for the batch; sets `customer_id` where it resolves."""
    externals = {e.customer_external_id for _, e in events if e.customer_external_id}
    pks = {e.customer_id for _, e in events if e.customer_id is not None}
    by_external = dict(
        Customer.objects.filter(external_id__any_of=externals).values_list("external_id", "pk")
    )
    missing = externals - set(by_external)
    if missing and create_missing:
        by_external.update(_create_leads(tenant, missing, actor))
    known_pks = set(Customer.objects.filter(pk__any_of=pks).values_list("pk", flat=True))
    for _, event in events:
        if event.customer_external_id:
            event.customer_id = by_external.get(event.customer_external_id)
        elif event.customer_id not in known_pks:
            event.customer_id = None
    return by_external


def _latest_per_customer(events: list[CleanEvent]) -> dict[int, CleanEvent]:
    latest: dict[int, CleanEvent] = {}
    for event in events:
        current = latest.get(event.customer_id)
        if current is None or event.occurred_at >= current.occurred_at:
            latest[event.customer_id] = event
    return latest


def _refresh_customers(stored: list[CleanEvent]) -> None:
    """Keep `last_seen_at`, `mrr` and the last NPS current: one UPDATE ... FROM for all three.

    Only newer facts win (events may arrive out of order), compared with `last_seen_at`,
    `mrr_at` and `nps_at`; a customer's row is written only when one of them changes.
    """
    seen = _latest_per_customer(stored)
    subscriptions = _latest_per_customer([e for e in stored if e.kind == EventKind.SUBSCRIPTION])
    answers = _latest_per_customer([e for e in stored if e.kind == EventKind.NPS])
    rows = []
    for pk, last in seen.items():
        subscription, answer = subscriptions.get(pk), answers.get(pk)
        rows.append(
            (
                pk,
                last.occurred_at,
                subscription.value if subscription else None,
                subscription.occurred_at if subscription else None,
                int(answer.value) if answer else None,
                answer.occurred_at if answer else None,
            )
        )
    update_from_values(
        Customer,
        fields=["last_seen_at", "mrr", "mrr_at", "nps_score", "nps_at"],
        rows=rows,
        assignments=_NEWER_FACTS,
        condition=_ANY_NEWER,
    )


# Per fact, when the batch's value (`v.new_*`) is newer than the stored one.
_SEEN_NEWER = "last_seen_at IS NULL OR last_seen_at < v.new_last_seen_at"
_MRR_NEWER = "v.new_mrr_at IS NOT NULL AND (mrr_at IS NULL OR mrr_at <= v.new_mrr_at)"
_NPS_NEWER = "v.new_nps_at IS NOT NULL AND (nps_at IS NULL OR nps_at <= v.new_nps_at)"
_NEWER_FACTS = (
    f"last_seen_at = CASE WHEN {_SEEN_NEWER} THEN v.new_last_seen_at ELSE last_seen_at END, "
    f"mrr = CASE WHEN {_MRR_NEWER} THEN v.new_mrr ELSE mrr END, "
    f"mrr_at = CASE WHEN {_MRR_NEWER} THEN v.new_mrr_at ELSE mrr_at END, "
    f"nps_score = CASE WHEN {_NPS_NEWER} THEN v.new_nps_score ELSE nps_score END, "
    f"nps_at = CASE WHEN {_NPS_NEWER} THEN v.new_nps_at ELSE nps_at END"
)
_ANY_NEWER = f"({_SEEN_NEWER}) OR ({_MRR_NEWER}) OR ({_NPS_NEWER})"


def events_ingest(
    *, tenant, items: list[Any], create_missing_customers: bool, actor: Actor
) -> IngestResult:
    """Store a batch of events: each sender id once per tenant, whatever is sent concurrently.

    Items are validated one by one (bad ones are `rejected` with errors, the rest stored);
    a sender id already stored, or repeated in the batch, is `duplicate`. With
    `create_missing_customers` an unknown `customer_external_id` creates a lead. The
    customers' `mrr`, last NPS and `last_seen_at` are updated in the same transaction, and one
    `events.ingested` domain event lists what was stored.
    """
    now = timezone.now()
    outcome: dict[int, tuple[Any, str, Any]] = {}
    valid: list[tuple[int, CleanEvent]] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(items):
        event, errors = clean_event(raw, now=now)
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        if event is None:
            outcome[index] = (raw_id, "rejected", errors)
        elif event.sender_id in first_index:
            outcome[index] = (event.sender_id, "duplicate", None)
        else:
            first_index[event.sender_id] = index
            valid.append((index, event))

    with transaction.atomic():
        _resolve_customers(tenant, valid, create_missing_customers, actor)
        storable = []
        for index, event in valid:
            if event.customer_id is None:
                field_name = "customer_external_id" if event.customer_external_id else "customer"
                error = {
                    "field": field_name,
                    "code": "does_not_exist",
                    "message": "No such customer.",
                }
                outcome[index] = (event.sender_id, "rejected", [error])
            else:
                storable.append((index, event))
        rows = [
            {
                "tenant_id": tenant.pk,
                "customer_id": e.customer_id,
                "kind": e.kind,
                "occurred_at": e.occurred_at,
                "value": e.value,
                "properties": e.properties,
                "sender_id": e.sender_id,
                "received_at": now,
            }
            for _, e in storable
        ]
        returned = insert_ignoring_conflicts(
            Event, rows, conflict="(tenant_id, sender_id)", returning=("id", "sender_id")
        )
        inserted = {sender_id: pk for pk, sender_id in returned}
        stored = [e for _, e in storable if e.sender_id in inserted]
        for index, event in storable:
            status = "created" if event.sender_id in inserted else "duplicate"
            outcome[index] = (event.sender_id, status, None)
        if stored:
            _refresh_customers(stored)
            domain_events.record(
                tenant,
                "events.ingested",
                {
                    "event_ids": [inserted[e.sender_id] for e in stored],
                    "customer_ids": sorted({e.customer_id for e in stored}),
                    "kinds": dict(Counter(e.kind for e in stored)),
                    "events": [
                        fact_of(
                            inserted[e.sender_id],
                            customer_id=e.customer_id,
                            kind=e.kind,
                            occurred_at=e.occurred_at,
                            value=e.value,
                            properties=e.properties,
                        )
                        for e in stored
                    ],
                },
            )

    result = IngestResult()
    for index in range(len(items)):
        sender_id, status, errors = outcome[index]
        result.add(index, sender_id, status, errors)
    result.event_ids = [inserted[e.sender_id] for e in stored]
    for status, count in Counter(status for _, status, _ in outcome.values()).items():
        EVENTS_INGESTED.labels(status).inc(count)
    return result
