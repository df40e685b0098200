"""A customer's personal data across the apps: each app registers the sections it holds, the
export gathers them, and every access to them is written to the audit trail.

Apps register in their own `personal_data.py` (loaded by their AppConfig): a section is a
function of the customer returning a list of plain dicts (JSON-ready values). The core knows
no app; the customers API calls `export(customer)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

Section = Callable[[Any], list[dict]]
_sections: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    """Register `func(customer) -> [rows]` as the export section `name` (one owner a name)."""

    def register(func: Section) -> Section:
        owner = _sections.get(name)
        if owner is not None and owner is not func:
            raise ValueError(f"The personal-data section {name!r} is registered twice.")
        _sections[name] = func
        return func

    return register


def section_names() -> list[str]:
    return sorted(_sections)


def export(customer) -> dict[str, Any]:
    """Every section for the customer, in the tenant scope the caller set."""
    return {
        "customer_id": customer.pk,
        "exported_at": timezone.now(),
        "sections": {name: list(_sections[name](customer)) for name in section_names()},
    }


def log_access(instance, *, access: str, request=None) -> None:
    """Write an `access` entry to the audit trail for `instance` (export, a staff view):
    who (user or API key), what kind of access, in which tenant."""
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model

    user = getattr(request, "user", None)
    auth = getattr(request, "auth", None)
    additional = {
        **(instance.get_additional_data() if hasattr(instance, "get_additional_data") else {}),
        "access": access,
    }
    if auth is not None and type(auth).__name__ == "ApiKey":
        additional["api_key_id"] = auth.pk
    LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=user if isinstance(user, get_user_model()) else None,  # not a key's principal
        additional_data=additional,
        force_log=True,
    )


# -- erasure ------------------------------------------------------------------------------------
#
# Erasing a customer keeps what the aggregates need (the record's id, stage history, event
# kinds, times and amounts, rewards, health scores) and removes what identifies the person:
# each app clears its own fields (`@eraser`), collecting first the strings that identify the
# person (`@markers`: the email, name, external id, IP hash, free texts); then every copy of
# those strings elsewhere (domain-event payloads, the audit trail, stored idempotent answers,
# staff actions) is replaced by ERASED (`scrub_copies`).

ERASED = "[erased]"
MIN_MARKER_LENGTH = 4  # shorter strings ("Al", "vip") would erase other people's text too

Eraser = Callable[[Any, list[str]], int]
MarkerSource = Callable[[Any], list[str]]
_erasers: dict[str, Eraser] = {}
_marker_sources: dict[str, MarkerSource] = {}


def eraser(name: str) -> Callable[[Eraser], Eraser]:
    """Register `func(customer, markers) -> rows changed`, run by `erase`."""

    def register(func: Eraser) -> Eraser:
        _erasers[name] = func
        return func

    return register


def markers(name: str) -> Callable[[MarkerSource], MarkerSource]:
    """Register `func(customer) -> [strings that identify the person]`."""

    def register(func: MarkerSource) -> MarkerSource:
        _marker_sources[name] = func
        return func

    return register


def person_markers(customer) -> list[str]:
    found = {
        text.strip()
        for source in _marker_sources.values()
        for text in source(customer)
        if isinstance(text, str) and len(text.strip()) >= MIN_MARKER_LENGTH
    }
    return sorted(found, key=len, reverse=True)  # the longest first: no half-replaced texts


def scrub(value, markers: list[str]):
    """`value` (JSON-like) with each marker replaced by ERASED, case-insensitively."""
    if isinstance(value, str):
        lowered = value.lower()
        if not any(marker.lower() in lowered for marker in markers):
            return value
        for marker in markers:
            value = _replace_folded(value, marker)
        return value
    if isinstance(value, list):
        return [scrub(item, markers) for item in value]
    if isinstance(value, dict):
        return {scrub(key, markers): scrub(item, markers) for key, item in value.items()}
    return value


def _replace_folded(text: str, marker: str) -> str:
    lowered, needle = text.lower(), marker.lower()
    out, start = [], 0
    while (found := lowered.find(needle, start)) >= 0:
        out.append(text[start:found])
        out.append(ERASED)
        start = found + len(needle)
    out.append(text[start:])
    return "".join(out)


def scrub_rows(queryset, fields: list[str], markers: list[str]) -> int:
    """Scrub `fields` (text or JSON) of the rows of `queryset` that hold any marker."""
    from django.db.models import Q, TextField
    from django.db.models.functions import Cast

    if not markers:
        return 0
    annotated = queryset.annotate(
        **{f"_text_{field}": Cast(field, TextField()) for field in fields}
    )
    condition = Q()
    for field in fields:
        for marker in markers:
            condition |= Q(**{f"_text_{field}__icontains": marker})
    changed = 0
    for row in annotated.filter(condition).only("pk", *fields):
        updates = {}
        for field in fields:
            value = getattr(row, field)
            cleaned = scrub(value, markers)
            if cleaned != value:
                updates[field] = cleaned
        if updates:
            changed += queryset.model._base_manager.filter(pk=row.pk).update(**updates)
    return changed


def scrub_copies(customer, markers: list[str]) -> int:
    """Replace the person's strings wherever the platform copied them: the tenant's domain
    events and delivery errors, the audit trail, stored idempotent answers, staff actions."""
    from auditlog.models import LogEntry

    from flywheel.core.models import DomainEvent, EventDelivery, IdempotencyRecord, StaffAction

    tenant_id = customer.tenant_id
    changed = scrub_rows(DomainEvent.all_tenants.filter(tenant_id=tenant_id), ["payload"], markers)
    changed += scrub_rows(
        EventDelivery.all_tenants.filter(tenant_id=tenant_id), ["last_error"], markers
    )
    changed += scrub_rows(
        LogEntry.objects.filter(additional_data__tenant_id=tenant_id),
        ["object_repr", "changes", "changes_text", "serialized_data"],
        markers,
    )
    changed += scrub_rows(IdempotencyRecord.objects.all(), ["response_body"], markers)
    changed += scrub_rows(StaffAction.objects.filter(tenant_id=tenant_id), ["detail"], markers)
    return changed


def erase(customer) -> dict[str, int]:
    """Remove what identifies the customer everywhere; returns rows changed per part."""
    found = person_markers(customer)
    counts = {name: func(customer, found) for name, func in sorted(_erasers.items())}
    counts["copies"] = scrub_copies(customer, found)
    return counts


# -- the field registry -------------------------------------------------------------------------
#
# Every text, JSON or address field of every model says what it holds, once
# (tests/reliability/test_personal_data_registry.py fails on a field nobody classified):
# - CUSTOMER: a customer's personal data, cleared by its app's eraser;
# - COPIES: may copy a customer's strings (payloads, logs, errors), scrubbed by markers;
# - MEMBER: a member's or staff user's data (accounts), not a customer's;
# - NONE: configuration, codes, enums, hashes of secrets, aggregates.

CUSTOMER, COPIES, MEMBER, NONE = "customer", "copies", "member", "none"
_fields: dict[str, dict[str, str]] = {}


def fields(model_label: str, **kinds: tuple[str, ...]) -> None:
    """Classify the fields of `app_label.Model`: `fields("ugc.UGCRequest", customer=(...),
    none=(...))`. A field classified twice is an error."""
    table = _fields.setdefault(model_label, {})
    for kind, names in kinds.items():
        if kind not in (CUSTOMER, COPIES, MEMBER, NONE):
            raise ValueError(f"Unknown personal-data kind {kind!r}.")
        for name in names:
            if name in table:
                raise ValueError(f"{model_label}.{name} is classified twice.")
            table[name] = kind


def classified() -> dict[str, dict[str, str]]:
    return {label: dict(table) for label, table in _fields.items()}


def classify_core() -> None:
    """The core's own tables (called by the core's AppConfig)."""
    fields(
        "core.IdempotencyRecord", copies=("response_body",), none=("owner", "key", "fingerprint")
    )
    fields("core.DomainEvent", copies=("payload",), none=("name",))
    fields("core.EventDelivery", copies=("last_error",), none=("subscriber", "status"))
    fields(
        "core.StaffAction",
        copies=("detail",),
        member=("user_label",),
        none=("tenant_slug", "action", "model", "object_ids"),
    )
