"""Customer records and their lifecycle: create, update, stage changes, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers import referral_hook
from customers.actors import Actor
from customers.lifecycle import (
    PAYING_STAGES,
    Channel,
    Stage,
    StageRuleError,
    apply_stage_change,
)
from customers.lifecycle import validate_history as _validate_history
from customers.models import Customer, StageChange
from flywheel.core import events as domain_events
from flywheel.core.errors import InvalidFieldsError
from flywheel.core.privacy import hash_ip


def _field_error(error: StageRuleError) -> InvalidFieldsError:
    return InvalidFieldsError({error.field: [error.message]}, code="invalid_history")


def _external_id_taken() -> InvalidFieldsError:
    return InvalidFieldsError(
        {"external_id": ["A customer with this external_id exists."]}, code="unique"
    )


def prepare_new_customer(customer: Customer, *, now: datetime) -> None:
    """Fill and check the lifecycle timestamps of an unsaved customer (StageRuleError)."""
    customer.created_at = customer.created_at or now
    if customer.stage in PAYING_STAGES and customer.became_customer_at is None:
        customer.became_customer_at = customer.created_at
    if customer.stage == Stage.CHURNED and customer.churned_at is None:
        customer.churned_at = customer.created_at
    if customer.stage != Stage.CHURNED:
        customer.churned_at = None
    _validate_history(
        now=now,
        created_at=customer.created_at,
        became_customer_at=customer.became_customer_at,
        churned_at=customer.churned_at,
    )


def initial_stage_change(customer: Customer, actor: Actor) -> StageChange:
    """The first history entry of a new customer: entering its stage at the matching time."""
    at = {
        Stage.CUSTOMER: customer.became_customer_at,
        Stage.ADVOCATE: customer.became_customer_at,
        Stage.CHURNED: customer.churned_at,
    }.get(customer.stage) or customer.created_at
    return StageChange(
        tenant_id=customer.tenant_id,
        customer=customer,
        from_stage="",
        to_stage=customer.stage,
        changed_at=at,
        changed_by_user_id=actor.user_id,
        changed_by_api_key_id=actor.api_key_id,
    )


def created_payload(customer: Customer) -> dict[str, Any]:
    return {
        "customer_id": customer.pk,
        "external_id": customer.external_id,
        "stage": customer.stage,
    }


@transaction.atomic
def customer_create(
    *,
    tenant,
    data: dict[str, Any],
    actor: Actor,
    referral_code: str | None = None,
    signup_context: dict[str, Any] | None = None,
) -> Customer:
    """Create a customer (a lead unless `stage` says otherwise) with its first history entry.

    Historical `created_at`, `became_customer_at`, `churned_at` may be imported; they must be
    consistent (400 otherwise). A `referral_code` is checked before anything is written and
    handed to the referrals app with the signup context (`signup_ip`, `signup_user_agent` of
    the person signing up, as the tenant saw them; the IP is stored only as a tenant-salted
    hash). Records `customer.created`.
    """
    if referral_code:
        error = referral_hook.check(referral_code)
        if error:
            raise InvalidFieldsError({"referral_code": [error]}, code="invalid_referral_code")
    context = signup_context or {}
    customer = Customer(
        tenant=tenant,
        signup_ip_hash=hash_ip(tenant.pk, context.get("signup_ip")),
        signup_user_agent=(context.get("signup_user_agent") or "")[:512],
        **data,
    )
    try:
        prepare_new_customer(customer, now=timezone.now())
    except StageRuleError as error:
        raise _field_error(error) from error
    if customer.external_id and Customer.objects.filter(external_id=customer.external_id).exists():
        raise _external_id_taken()
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as error:  # created concurrently with the same external id
        raise _external_id_taken() from error
    initial_stage_change(customer, actor).save()
    domain_events.record(tenant, "customer.created", created_payload(customer))
    if referral_code:
        referral_hook.attribute(customer, referral_code, context)
    return customer


@transaction.atomic
def customer_change_stage(
    *, customer: Customer, to_stage: str, actor: Actor, changed_at: datetime | None = None
) -> Customer:
    """Move a customer to `to_stage` at `changed_at` (default now), recording history.

    Sets `became_customer_at` the first time a paying stage is entered and `churned_at` on
    churn; refuses a future time or a churn before becoming a customer (400). Entering the
    current stage again is a no-op. Records `customer.stage_changed`.
    """
    try:
        change = stage_move(customer, to_stage, at=changed_at, now=timezone.now(), actor=actor)
    except StageRuleError as error:
        raise _field_error(error) from error
    if change is None:
        return customer
    customer.save(update_fields=["stage", "became_customer_at", "churned_at", "updated_at"])
    change.save()
    domain_events.record(customer.tenant, "customer.stage_changed", stage_changed_payload(change))
    return customer


def stage_move(
    customer: Customer, to_stage: str, *, at: datetime | None, now: datetime, actor: Actor
) -> StageChange | None:
    """The one implementation of a stage change, for single and bulk writes: moves the
    unsaved `customer` to `to_stage` at `at` (default `now`), sets its lifecycle stamps and
    returns the history row to store (None when it is in that stage already). StageRuleError
    when the change breaks the lifecycle rules; nothing is written here."""
    if to_stage == customer.stage:
        return None
    at = at or now
    stamps = apply_stage_change(
        to_stage=to_stage,
        at=at,
        now=now,
        created_at=customer.created_at,
        became_customer_at=customer.became_customer_at,
        churned_at=customer.churned_at,
    )
    change = StageChange(
        tenant_id=customer.tenant_id,
        customer=customer,
        from_stage=customer.stage,
        to_stage=to_stage,
        changed_at=at,
        changed_by_user_id=actor.user_id,
        changed_by_api_key_id=actor.api_key_id,
    )
    customer.stage = to_stage
    customer.became_customer_at, customer.churned_at = stamps.became_customer_at, stamps.churned_at
    return change


def stage_changed_payload(change: StageChange) -> dict[str, Any]:
    """What `customer.stage_changed` carries."""
    return {
        "customer_id": change.customer.pk,
        "from": change.from_stage,
        "to": change.to_stage,
        "at": change.changed_at.isoformat(),
    }


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    data: dict[str, Any],
    actor: Actor,
    changed_at: datetime | None = None,
) -> Customer:
    """Change a customer's fields; a new `stage` goes through `customer_change_stage`."""
    stage = data.pop("stage", None)
    new_external_id = data.get("external_id")
    taken = Customer.objects.filter(external_id=new_external_id).exclude(pk=customer.pk)
    if new_external_id and taken.exists():
        raise _external_id_taken()
    for field, value in data.items():
        setattr(customer, field, value)
    if data:
        customer.save(update_fields=[*data, "updated_at"])
    if stage is not None:
        customer_change_stage(customer=customer, to_stage=stage, actor=actor, changed_at=changed_at)
    return customer


def customer_mark_referred(*, customer: Customer, referrer: Customer) -> Customer:
    """The customer came through `referrer`'s referral: channel `referral`, `referred_by` the
    referrer (the referrals app calls this; it does not write customers itself). Records
    `customer.referred`."""
    Customer.objects.filter(pk=customer.pk).update(
        acquisition_channel=Channel.REFERRAL, referred_by=referrer, updated_at=timezone.now()
    )
    customer.acquisition_channel, customer.referred_by = Channel.REFERRAL, referrer
    domain_events.record(
        customer.tenant,
        "customer.referred",
        {"customer_id": customer.pk, "referred_by": referrer.pk},
    )
    return customer


def customer_unsubscribe(*, customer: Customer) -> Customer:
    """The customer asked for no more emails (idempotent: the first time stands). Records
    `customer.unsubscribed`."""
    if customer.email_opt_out_at is None:
        customer.email_opt_out_at = timezone.now()
        customer.save(update_fields=["email_opt_out_at", "updated_at"])
        domain_events.record(customer.tenant, "customer.unsubscribed", {"customer_id": customer.pk})
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer) -> None:
    """Delete a customer with its history and events (records `customer.deleted`)."""
    payload = {"customer_id": customer.pk, "external_id": customer.external_id}
    tenant = customer.tenant
    customer.delete()
    domain_events.record(tenant, "customer.deleted", payload)
