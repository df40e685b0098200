"""Reward life cycle: approve, issue, void; periodic approval with clawback; expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from customers.models import Event, EventKind
from flywheel.core import events as domain_events
from flywheel.core.errors import ConflictError
from referrals.models import Referral, ReferralProgram, ReferralStatus, Reward, RewardStatus

# Which statuses each transition starts from.
_FROM = {
    RewardStatus.APPROVED: (RewardStatus.PENDING,),
    RewardStatus.ISSUED: (RewardStatus.APPROVED,),
    RewardStatus.VOIDED: (RewardStatus.PENDING, RewardStatus.APPROVED),
}
_STAMP = {
    RewardStatus.APPROVED: "approved_at",
    RewardStatus.ISSUED: "issued_at",
    RewardStatus.VOIDED: "voided_at",
}
CHURNED = "referee churned within the holding period"
PAYMENT_FAILED = "the qualifying payment failed or was refunded within the holding period"


def _payload(reward: Reward) -> dict[str, Any]:
    return {
        "reward_id": reward.pk,
        "referral_id": reward.referral_id,
        "recipient_id": reward.recipient_id,
        "side": reward.side,
        "status": reward.status,
        "amount": str(reward.amount),
        "currency": reward.currency,
        "void_reason": reward.void_reason,
    }


@transaction.atomic
def _move(reward: Reward, to: str, *, void_reason: str = "") -> Reward:
    """Move from the status the caller saw (`reward.status`), or 409.

    The update is conditional on that status, not on any status the move allows: an approve
    and a void sent at once both see `pending`; one wins, and the other, whose caller never
    saw the reward approved, gets 409 instead of voiding what was just approved.
    """
    now = timezone.now()
    changes: dict[str, Any] = {"status": to, _STAMP[to]: now}
    if to == RewardStatus.VOIDED:
        changes["void_reason"] = void_reason
    seen = reward.status
    moved = (
        Reward.objects.filter(pk=reward.pk, status=seen).update(**changes)
        if seen in _FROM[to]
        else 0
    )
    if not moved:
        reward.refresh_from_db()
        if reward.status != seen:
            raise ConflictError(
                f"The reward changed meanwhile: it is {reward.status} now, not {seen}.",
                code="concurrent_change",
            )
        raise ConflictError(
            f"A {reward.status} reward cannot become {to}.", code="invalid_transition"
        )
    for name, value in changes.items():
        setattr(reward, name, value)
    domain_events.record(reward.tenant, f"reward.{to}", _payload(reward))
    return reward


def reward_approve(*, reward: Reward) -> Reward:
    """pending -> approved (by a person; also for rewards held for fraud review). 409 else."""
    return _move(reward, RewardStatus.APPROVED)


def reward_issue(*, reward: Reward) -> Reward:
    """approved -> issued: the tenant paid it out. 409 from any other status."""
    return _move(reward, RewardStatus.ISSUED)


def reward_void(*, reward: Reward, reason: str = "") -> Reward:
    """pending or approved -> voided, with a reason. 409 for issued or voided rewards."""
    return _move(reward, RewardStatus.VOIDED, void_reason=reason or "voided by hand")


def _bulk_move(tenant, rewards: list[Reward], to: str, now: datetime, void_reason="") -> int:
    changes: dict[str, Any] = {"status": to, _STAMP[to]: now}
    if to == RewardStatus.VOIDED:
        changes["void_reason"] = void_reason
    ids = [r.pk for r in rewards]
    moved = Reward.objects.filter(pk__in=ids, status=RewardStatus.PENDING).update(**changes)
    for reward in rewards:
        for name, value in changes.items():
            setattr(reward, name, value)
    domain_events.record_many(tenant, f"reward.{to}", [_payload(r) for r in rewards])
    return moved


@transaction.atomic
def rewards_approve_due(*, tenant, now: datetime | None = None) -> dict[str, int]:
    """Approve pending rewards whose holding period has passed, clawing back bad ones.

    A reward whose referee churned, or whose referee had a `failed` (or refunded) payment,
    between qualification and the end of the holding period is voided with that reason.
    Rewards held for manual approval are left alone. Rows are claimed with a conditional
    UPDATE, so two runs at once approve each reward once. Returns the counts.
    """
    now = now or timezone.now()
    bad_payment = Event.objects.filter(
        customer_id=OuterRef("referral__referee_id"),
        kind=EventKind.PAYMENT,
        occurred_at__gte=OuterRef("referral__qualified_at"),
        occurred_at__lte=OuterRef("approve_after"),
    ).filter(Q(properties__status="failed") | Q(properties__refunded=True))
    due = list(
        Reward.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=RewardStatus.PENDING, needs_manual_approval=False, approve_after__lte=now)
        .annotate(
            churned=ExpressionWrapper(
                Q(referral__referee__churned_at__isnull=False)
                & Q(referral__referee__churned_at__lte=F("approve_after")),
                output_field=BooleanField(),
            ),
            payment_failed=Exists(bad_payment),
        )
    )
    churned = [r for r in due if r.churned]
    failed = [r for r in due if r.payment_failed and not r.churned]
    good = [r for r in due if not r.churned and not r.payment_failed]
    return {
        "voided": _bulk_move(tenant, churned, RewardStatus.VOIDED, now, CHURNED)
        + _bulk_move(tenant, failed, RewardStatus.VOIDED, now, PAYMENT_FAILED),
        "approved": _bulk_move(tenant, good, RewardStatus.APPROVED, now),
    }


@transaction.atomic
def referrals_expire(*, tenant, now: datetime | None = None) -> int:
    """Expire pending referrals not qualified within their program's window (idempotent)."""
    now = now or timezone.now()
    expired = 0
    for program in ReferralProgram.objects.all():
        cutoff = now - timedelta(days=program.attribution_window_days)
        stale = Referral.objects.filter(
            program=program, status=ReferralStatus.PENDING, attributed_at__lt=cutoff
        )
        ids = list(stale.values_list("pk", flat=True))
        expired += Referral.objects.filter(pk__in=ids, status=ReferralStatus.PENDING).update(
            status=ReferralStatus.EXPIRED, closed_at=now
        )
        if ids:
            domain_events.record_many(
                tenant, "referral.expired", [{"referral_id": pk} for pk in ids]
            )
    return expired
