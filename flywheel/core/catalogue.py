"""The catalogue of domain event types: each type's name, meaning and payload fields.

Apps declare what they emit in their `event_types.py` (imported by their `ready()`); the
webhooks app accepts only catalogued types in an endpoint's `event_types`, and the OpenAPI
document lists every type with its payload under `webhooks` (`flywheel/webhook_catalogue.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    fields: dict[str, Any] = field(default_factory=dict)  # DRF fields of the payload


_catalogue: dict[str, EventType] = {}


def event_type(name: str, description: str, **fields: Any) -> EventType:
    """Declare an event type with its payload fields (DRF serializer fields, documentation)."""
    declared = EventType(name, description, fields)
    _catalogue[name] = declared
    return declared


def event_types() -> list[EventType]:
    """Every declared type, by name."""
    return [_catalogue[name] for name in sorted(_catalogue)]


def is_known(name: str) -> bool:
    return name in _catalogue
