"""Bulk upsert of customers keyed by external id: valid items stored, the others reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers import referral_hook
from customers.actors import Actor
from customers.lifecycle import StageRuleError, validate_history
from customers.models import Customer, StageChange
from customers.services.customers import (
    created_payload,
    initial_stage_change,
    prepare_new_customer,
    stage_changed_payload,
    stage_move,
)
from flywheel.core import events as domain_events
from flywheel.core.privacy import hash_ip

MAX_BATCH = 1000
_NOT_STORED = frozenset({"referral_code", "signup_ip", "signup_user_agent"})


@dataclass
class BulkResult:
    results: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rejected: int = 0


def _error(name: str, code: str, message: str) -> list[dict[str, str]]:
    return [{"field": name, "code": code, "message": message}]


def _known_referrers(valid: list[tuple[int, dict]], rejected: dict[int, tuple]):
    """Reject items whose `referred_by` names no customer of the tenant (one query)."""
    referrers = {d["referred_by"] for _, d in valid if d.get("referred_by") is not None}
    known = set(Customer.objects.filter(pk__in=referrers).values_list("pk", flat=True))
    still_valid = []
    for index, data in valid:
        if data.get("referred_by") is not None and data["referred_by"] not in known:
            rejected[index] = (
                data["external_id"],
                _error("referred_by", "does_not_exist", "No such customer."),
            )
        else:
            still_valid.append((index, data))
    return still_valid


def _unique_and_usable(valid: list[tuple[int, dict]], rejected: dict[int, tuple]) -> list:
    """Reject an external id repeated in the batch and unusable referral codes."""
    seen: set[str] = set()
    kept = []
    for index, data in valid:
        if data["external_id"] in seen:
            rejected[index] = (
                data["external_id"],
                _error("external_id", "duplicate", "Repeated in this batch."),
            )
            continue
        code = data.get("referral_code")
        if code and (message := referral_hook.check(code)):
            rejected[index] = (
                data["external_id"],
                _error("referral_code", "invalid_referral_code", message),
            )
            continue
        seen.add(data["external_id"])
        kept.append((index, data))
    return kept


def _apply_update(customer: Customer, data: dict, now, actor: Actor) -> StageChange | None:
    """Change an existing customer in memory; returns the stage change to record, if any."""
    stage = data.pop("stage", None)
    changed_at = data.pop("changed_at", None)
    for name, value in data.items():
        setattr(customer, name, value)
    validate_history(
        now=now,
        created_at=customer.created_at,
        became_customer_at=customer.became_customer_at,
        churned_at=customer.churned_at,
    )
    if stage is None:
        return None
    return stage_move(customer, stage, at=changed_at, now=now, actor=actor)


def _write(tenant, valid: list[tuple[int, dict]], actor: Actor, outcome: dict) -> None:
    now = timezone.now()
    existing = {
        c.external_id: c
        for c in Customer.objects.filter(external_id__in=[d["external_id"] for _, d in valid])
    }
    creates: list[tuple[int, Customer, str | None, dict]] = []
    updates: list[tuple[int, Customer]] = []
    changes: list[StageChange] = []
    update_fields: set[str] = {"updated_at"}
    for index, item in valid:
        data = {k: v for k, v in item.items() if k not in _NOT_STORED}
        context = {k: item[k] for k in ("signup_ip", "signup_user_agent") if k in item}
        if "referred_by" in data:
            data["referred_by_id"] = data.pop("referred_by")
        customer = existing.get(data["external_id"])
        try:
            if customer is None:
                data.pop("changed_at", None)
                customer = Customer(
                    tenant=tenant,
                    signup_ip_hash=hash_ip(tenant.pk, context.get("signup_ip")),
                    signup_user_agent=(context.get("signup_user_agent") or "")[:512],
                    **data,
                )
                prepare_new_customer(customer, now=now)
                creates.append((index, customer, item.get("referral_code"), context))
            else:
                change = _apply_update(customer, data, now, actor)
                update_fields.update(data.keys() - {"stage", "changed_at"})
                if change is not None:
                    changes.append(change)
                    update_fields.update({"stage", "became_customer_at", "churned_at"})
                updates.append((index, customer))
        except StageRuleError as error:
            outcome[index] = (
                item["external_id"],
                "rejected",
                _error(error.field, "invalid", error.message),
            )
    Customer.all_tenants.bulk_create([c for _, c, _, _ in creates])  # all_tenants: tenant is set
    Customer.all_tenants.bulk_update([c for _, c in updates], sorted(update_fields), batch_size=500)
    StageChange.all_tenants.bulk_create(
        [initial_stage_change(c, actor) for _, c, _, _ in creates] + changes
    )
    domain_events.record_many(
        tenant, "customer.created", [created_payload(c) for _, c, _, _ in creates]
    )
    domain_events.record_many(
        tenant, "customer.stage_changed", [stage_changed_payload(ch) for ch in changes]
    )
    for index, customer, code, context in creates:
        if code:
            referral_hook.attribute(customer, code, context)
        outcome[index] = (customer.external_id, "created", customer.pk)
    for index, customer in updates:
        outcome.setdefault(index, (customer.external_id, "updated", customer.pk))


def customers_bulk_upsert(
    *,
    tenant,
    total: int,
    valid: list[tuple[int, dict]],
    rejected: dict[int, tuple[Any, list]],
    actor: Actor,
) -> BulkResult:
    """Create or update up to 1,000 customers by `external_id`, in request order.

    `valid` are `(index, fields)` of the items whose fields passed validation, `rejected`
    `index -> (external id, errors)` of the others (the API layer checks each item's shape).
    Here the domain rules: an external id once per batch, usable referral codes, referrers of
    the tenant; the rest is stored in one transaction (a concurrent insert of the same external
    id is retried once as an update). Stage changes record history and domain events as
    single writes do.
    """
    rejected = dict(rejected)
    valid = _known_referrers(_unique_and_usable(valid, rejected), rejected)
    for attempt in (1, 2):
        outcome: dict[int, tuple] = {}
        try:
            with transaction.atomic():
                _write(tenant, [(i, dict(d)) for i, d in valid], actor, outcome)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    result = BulkResult()
    for index in range(total):
        if index in rejected:
            external_id, errors = rejected[index]
            result.results.append(
                {"index": index, "external_id": external_id, "status": "rejected", "errors": errors}
            )
            result.rejected += 1
            continue
        external_id, status, extra = outcome[index]
        item = {"index": index, "external_id": external_id, "status": status}
        if status == "rejected":
            item["errors"] = extra
            result.rejected += 1
        else:
            item["id"] = extra
            setattr(result, status, getattr(result, status) + 1)
        result.results.append(item)
    return result
