"""Validation of incoming activity events, per kind (pure Python: no database, no DRF).

The ingest path validates up to 1,000 events a request, so this is a plain function rather
than a serializer per item; the OpenAPI schema documents the same shape with a serializer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from customers.lifecycle import CLOCK_SKEW
from customers.models import EventKind
from flywheel.core import timebounds
from flywheel.core.validators import MAX_JSON_BYTES, json_size

FIELDS = frozenset(
    {"id", "customer", "customer_external_id", "kind", "occurred_at", "value", "properties"}
)
KINDS = frozenset(EventKind.values)
MAX_SENDER_ID = 128
MAX_VALUE = Decimal("999999999999.99")
CENT = Decimal("0.01")


@dataclass
class CleanEvent:
    sender_id: str
    kind: str
    occurred_at: datetime
    value: Decimal | None
    properties: dict[str, Any]
    customer_id: int | None = None
    customer_external_id: str | None = None


@dataclass
class EventErrors:
    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, name: str, code: str, message: str) -> None:
        self.items.append({"field": name, "code": code, "message": message})


def _required_text(props: dict, key: str, errors: EventErrors) -> None:
    value = props.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.add(f"properties.{key}", "required", f"A non-empty `{key}` is required.")


def _choice(props: dict, key: str, choices: tuple[str, ...], errors: EventErrors) -> None:
    if props.get(key) not in choices:
        errors.add(f"properties.{key}", "invalid_choice", f"One of: {', '.join(choices)}.")


def _check_kind(kind: str, value: Decimal | None, props: dict, errors: EventErrors) -> None:
    if kind == EventKind.NPS:
        if value is None or value != value.to_integral_value() or not 0 <= value <= 10:
            errors.add("value", "invalid", "An NPS score is a whole number from 0 to 10.")
    elif kind in (EventKind.PAYMENT, EventKind.SUBSCRIPTION):
        if value is None or value < 0:
            errors.add("value", "invalid", "A non-negative amount is required.")
        if kind == EventKind.PAYMENT:
            _choice(props, "status", ("paid", "late", "failed"), errors)
    elif kind == EventKind.FEATURE_USED:
        _required_text(props, "feature", errors)
    elif kind == EventKind.SUPPORT_TICKET:
        _choice(props, "status", ("opened", "closed"), errors)
        csat = props.get("csat")
        if csat is not None:
            if isinstance(csat, bool) or not isinstance(csat, int) or not 1 <= csat <= 5:
                errors.add("properties.csat", "invalid", "csat is a whole number from 1 to 5.")
            elif props.get("status") != "closed":
                errors.add("properties.csat", "invalid", "csat is given when a ticket closes.")
    elif kind in (EventKind.MILESTONE, EventKind.CUSTOM):
        _required_text(props, "name", errors)
    elif kind == EventKind.COMMUNITY:
        _required_text(props, "action", errors)


def _parse_value(raw: Any, errors: EventErrors) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        errors.add("value", "invalid", "A number is required.")
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        errors.add("value", "invalid", "A number is required.")
        return None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        errors.add("value", "invalid", "The number is out of range.")
        return None
    return value.quantize(CENT)


def _parse_time(raw: Any, now: datetime, errors: EventErrors) -> datetime | None:
    if raw is None:
        return now
    if not isinstance(raw, str):
        errors.add("occurred_at", "invalid", "An ISO 8601 date-time is required.")
        return None
    try:
        parsed = timebounds.parse_bounded_datetime(raw)
    except timebounds.OutOfRange as error:
        errors.add("occurred_at", "out_of_range", str(error))
        return None
    except ValueError as error:
        errors.add("occurred_at", "invalid", str(error))
        return None
    if parsed > now + CLOCK_SKEW:
        errors.add("occurred_at", "future", "The event cannot be in the future.")
    return parsed


def _parse_customer(raw: dict, errors: EventErrors) -> tuple[int | None, str | None]:
    customer, external = raw.get("customer"), raw.get("customer_external_id")
    if (customer is None) == (external is None):
        errors.add("customer", "required", "Give either `customer` or `customer_external_id`.")
        return None, None
    if customer is not None and (isinstance(customer, bool) or not isinstance(customer, int)):
        errors.add("customer", "invalid", "A customer id (integer) is required.")
    if external is not None and (not isinstance(external, str) or not 0 < len(external) <= 128):
        errors.add("customer_external_id", "invalid", "A string of 1 to 128 characters.")
    return customer, external


def _parse_sender_id(raw: Any, errors: EventErrors) -> str:
    if raw is None:
        return uuid.uuid4().hex
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        errors.add("id", "invalid", "The event id is a string.")
        return ""
    sender_id = str(raw)
    if not 0 < len(sender_id) <= MAX_SENDER_ID:
        errors.add("id", "invalid", f"The event id has 1 to {MAX_SENDER_ID} characters.")
    return sender_id


def clean_event(raw: Any, *, now: datetime) -> tuple[CleanEvent | None, list[dict[str, str]]]:
    """A validated event, or None with `[{field, code, message}]` errors."""
    errors = EventErrors()
    if not isinstance(raw, dict):
        errors.add("non_field_errors", "invalid", "An event is a JSON object.")
        return None, errors.items
    for name in sorted(set(raw) - FIELDS):
        errors.add(name, "unknown_field", "Unknown field.")
    sender_id = _parse_sender_id(raw.get("id"), errors)
    customer_id, external_id = _parse_customer(raw, errors)
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        errors.add("kind", "invalid_choice", f"One of: {', '.join(sorted(KINDS))}.")
    occurred_at = _parse_time(raw.get("occurred_at"), now, errors)
    value = _parse_value(raw.get("value"), errors)
    properties = raw.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        errors.add("properties", "invalid", "Properties are a JSON object.")
    elif json_size(properties) > MAX_JSON_BYTES:
        errors.add("properties", "too_large", f"At most {MAX_JSON_BYTES // 1024} KiB as JSON.")
    elif isinstance(kind, str) and kind in KINDS:
        _check_kind(kind, value, properties, errors)
    if errors.items:
        return None, errors.items
    return CleanEvent(sender_id, kind, occurred_at, value, properties, customer_id, external_id), []
