"""Qualification: a referral whose referee meets the program's rule earns two rewards, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.actors import SYSTEM
from customers.lifecycle import PAYING_STAGES, Stage
from customers.models import Customer, Event, EventKind
from customers.services import customer_change_stage
from flywheel.core import events as domain_events
from referrals.models import (
    Qualification,
    Referral,
    ReferralStatus,
    RejectionReason,
    Reward,
    RewardSide,
)
from referrals.services.payloads import referral_payload


def _first_qualifying_payment(referral: Referral) -> datetime | None:
    minimum = referral.program.min_payment_amount or Decimal(0)
    first = (
        Event.objects.filter(
            customer_id=referral.referee_id,
            kind=EventKind.PAYMENT,
            properties__status="paid",
            value__gte=minimum,
        )
        .order_by("occurred_at", "id")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return first


def referral_qualify_if_met(*, referral: Referral) -> bool:
    """Qualify a pending referral whose rule is already met (signup, past payment, stage)."""
    rule = referral.program.qualification
    if rule == Qualification.SIGNUP:
        return referral_qualify(referral=referral, at=referral.attributed_at)
    if rule == Qualification.CUSTOMER and referral.referee.stage in PAYING_STAGES:
        return referral_qualify(referral=referral, at=referral.referee.became_customer_at)
    if rule == Qualification.FIRST_PAYMENT:
        paid_at = _first_qualifying_payment(referral)
        if paid_at is not None:
            return referral_qualify(referral=referral, at=paid_at)
    return False


@transaction.atomic
def referral_qualify(*, referral: Referral, at: datetime | None = None) -> bool:
    """Move a pending referral to qualified and create exactly one reward per side.

    Safe under concurrent and repeated calls: the status moves with a conditional UPDATE,
    so only one caller wins; the others return False. The cap per referrer is checked again
    under a lock on the referrer (rejected `cap_reached` when full). Rewards wait for the
    holding period, or for a person when the referral carries fraud signals. The referrer
    becomes an advocate. Records `referral.qualified` and `reward.created` twice.
    """
    now = timezone.now()
    at = min(at or now, now)
    won = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.PENDING).update(
        status=ReferralStatus.QUALIFIED, qualified_at=at
    )
    if not won:
        return False
    program = referral.program
    referrer = Customer.objects.select_for_update().get(pk=referral.referrer_id)
    if program.max_rewards_per_referrer is not None:
        qualified = Referral.objects.filter(
            program=program, referrer=referrer, status=ReferralStatus.QUALIFIED
        ).exclude(pk=referral.pk)
        if qualified.count() >= program.max_rewards_per_referrer:
            Referral.objects.filter(pk=referral.pk).update(
                status=ReferralStatus.REJECTED,
                qualified_at=None,
                rejection_reason=RejectionReason.CAP_REACHED,
                closed_at=now,
            )
            referral.refresh_from_db()
            domain_events.record(referral.tenant, "referral.rejected", referral_payload(referral))
            return False
    referral.status, referral.qualified_at = ReferralStatus.QUALIFIED, at
    approve_after = at + timedelta(days=program.holding_days)
    currency = referral.tenant.currency
    manual = bool(referral.fraud_signals)
    rewards = [
        Reward(
            tenant_id=referral.tenant_id,
            referral=referral,
            recipient_id=referral.referrer_id,
            side=RewardSide.REFERRER,
            kind=program.referrer_reward_kind,
            amount=program.referrer_reward_amount,
            currency=currency,
            needs_manual_approval=manual,
            approve_after=approve_after,
        ),
        Reward(
            tenant_id=referral.tenant_id,
            referral=referral,
            recipient_id=referral.referee_id,
            side=RewardSide.REFEREE,
            kind=program.referee_reward_kind,
            amount=program.referee_reward_amount,
            currency=currency,
            needs_manual_approval=manual,
            approve_after=approve_after,
        ),
    ]
    Reward.objects.bulk_create(rewards)
    if referrer.stage == Stage.CUSTOMER:
        customer_change_stage(customer=referrer, to_stage=Stage.ADVOCATE, actor=SYSTEM)
    domain_events.record(
        referral.tenant,
        "referral.qualified",
        {
            "referral_id": referral.pk,
            "referrer_id": referral.referrer_id,
            "referee_id": referral.referee_id,
            "qualified_at": at.isoformat(),
        },
    )
    domain_events.record_many(
        referral.tenant,
        "reward.created",
        [
            {
                "reward_id": r.pk,
                "referral_id": referral.pk,
                "recipient_id": r.recipient_id,
                "side": r.side,
                "kind": r.kind,
                "amount": str(r.amount),
                "currency": r.currency,
                "needs_manual_approval": r.needs_manual_approval,
            }
            for r in rewards
        ],
    )
    return True


def referrals_qualify_by_payment(*, customer_ids: list[int]) -> int:
    """Qualify pending first-payment referrals of these referees whose payment now qualifies.

    One query finds each referral's first `paid` payment reaching the program's minimum
    (smaller ones before it do not count); returns how many referrals qualified.
    """
    first_paid = Subquery(
        Event.objects.filter(
            customer_id=OuterRef("referee_id"),
            kind=EventKind.PAYMENT,
            properties__status="paid",
            value__gte=Coalesce(OuterRef("program__min_payment_amount"), Value(Decimal(0))),
        )
        .order_by("occurred_at", "id")
        .values("occurred_at")[:1]
    )
    candidates = (
        Referral.objects.filter(
            referee_id__in=customer_ids,
            status=ReferralStatus.PENDING,
            program__qualification=Qualification.FIRST_PAYMENT,
        )
        .select_related("program", "tenant")
        .annotate(first_paid_at=first_paid)
        .filter(first_paid_at__isnull=False)
    )
    return sum(referral_qualify(referral=r, at=r.first_paid_at) for r in candidates)


def referrals_qualify_by_stage(*, customer_id: int) -> int:
    """Qualify pending `customer`-rule referrals of a referee who became a customer."""
    candidates = Referral.objects.filter(
        referee_id=customer_id,
        status=ReferralStatus.PENDING,
        program__qualification=Qualification.CUSTOMER,
    ).select_related("program", "tenant", "referee")
    return sum(referral_qualify(referral=r, at=r.referee.became_customer_at) for r in candidates)
