"""Attribution: a new customer with a referral code becomes a referral (or a rejected one)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import Customer
from customers.services import customer_mark_referred
from flywheel.core import events as domain_events
from referrals.fraud import is_disposable, normalize_email
from referrals.models import (
    Click,
    Referral,
    ReferralLink,
    ReferralStatus,
    RejectionReason,
)
from referrals.services.payloads import referral_payload

BURST_LIMIT = 5  # referrals of one referrer within BURST_WINDOW that flag the next one
BURST_WINDOW = timedelta(hours=1)
LIVE = (ReferralStatus.PENDING, ReferralStatus.QUALIFIED)


def link_for_code(code: str) -> ReferralLink | None:
    """The current tenant's link with this code (another tenant's code does not exist)."""
    return ReferralLink.objects.select_related("program", "referrer").filter(code=code).first()


def code_problem(code: str) -> str | None:
    """An error message when `code` is not a referral code of this tenant."""
    return None if link_for_code(code) is not None else "Unknown referral code."


def _click_time(link: ReferralLink, referee: Customer) -> datetime | None:
    """When the referee clicked: their device's latest click, else the link's latest."""
    clicks = Click.objects.filter(link=link, counted=True, occurred_at__lte=referee.created_at)
    if referee.signup_ip_hash:
        mine = clicks.filter(ip_hash=referee.signup_ip_hash).order_by("-occurred_at").first()
        if mine is not None:
            return mine.occurred_at
    latest = clicks.order_by("-occurred_at").first()
    return latest.occurred_at if latest is not None else None


def _already_customer(referee: Customer, before: datetime) -> bool:
    if referee.became_customer_at is not None and referee.became_customer_at < before:
        return True
    if not referee.email:
        return False
    return (
        Customer.objects.filter(email__iexact=referee.email, became_customer_at__lt=before)
        .exclude(pk=referee.pk)
        .exists()
    )


def rejection_reason(
    link: ReferralLink, referee: Customer, clicked_at: datetime | None, reference: datetime
) -> str | None:
    """The first policy rule the referral breaks, in DOMAIN's order of precedence.

    `reference` is when the referee came through the link: the click when known, else the
    signup (or, for an existing customer attributed later, the moment of attribution).
    """
    program, referrer = link.program, link.referrer
    if not (program.active and link.active):
        return RejectionReason.PROGRAM_INACTIVE
    same_email = referee.email and normalize_email(referee.email) == normalize_email(referrer.email)
    if referee.pk == referrer.pk or same_email:
        return RejectionReason.SELF_REFERRAL
    if _already_customer(referee, reference):
        return RejectionReason.EXISTING_CUSTOMER
    if Referral.objects.filter(referee=referee, status__in=LIVE).exists():
        return RejectionReason.DUPLICATE
    window = timedelta(days=program.attribution_window_days)
    if clicked_at is not None and referee.created_at - clicked_at > window:
        return RejectionReason.WINDOW_EXPIRED
    cap = program.max_rewards_per_referrer
    if (
        cap is not None
        and Referral.objects.filter(
            program=program, referrer=referrer, status=ReferralStatus.QUALIFIED
        ).count()
        >= cap
    ):
        return RejectionReason.CAP_REACHED
    return None


def fraud_signals(link: ReferralLink, referee: Customer, now: datetime) -> list[str]:
    """Soft signals that hold the rewards for a person's approval instead of rejecting."""
    referrer, signals = link.referrer, []
    same_device = (
        referee.signup_ip_hash
        and referee.signup_ip_hash == referrer.signup_ip_hash
        and referee.signup_user_agent == referrer.signup_user_agent
    )
    if same_device:
        signals.append("same_ip_and_user_agent_as_referrer")
    if is_disposable(referee.email):
        signals.append("disposable_email")
    recent = Referral.objects.filter(referrer=referrer, attributed_at__gte=now - BURST_WINDOW)
    if recent.count() >= BURST_LIMIT:
        signals.append("referral_burst")
    return signals


@transaction.atomic
def referral_create(
    *,
    tenant,
    referee: Customer,
    code: str,
    context: dict[str, Any] | None = None,
    at_signup: bool = False,
) -> Referral:
    """Tie `referee` to the link of `code`: a pending referral, or a rejected one with reason.

    A pending referral sets the referee's channel to `referral` and `referred_by`, records
    `referral.created`, and qualifies at once when the program's rule is already met.
    A rejected one records `referral.rejected`. Raises ValueError for an unknown code.
    `at_signup` is true when the referee is being created with the code right now.
    """
    from referrals.services.qualification import referral_qualify_if_met

    link = link_for_code(code)
    if link is None:
        raise ValueError("Unknown referral code.")
    now = timezone.now()
    clicked_at = _click_time(link, referee)
    reference = clicked_at or (referee.created_at if at_signup else now)
    reason = rejection_reason(link, referee, clicked_at, reference)
    referral = Referral(
        tenant=tenant,
        program=link.program,
        link=link,
        referrer=link.referrer,
        referee=referee,
        clicked_at=clicked_at,
        attributed_at=now,
    )
    if reason is None:
        referral.fraud_signals = fraud_signals(link, referee, now)
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError:  # a live referral appeared concurrently
            referral.pk, reason = None, RejectionReason.DUPLICATE
    if reason is not None:
        referral.status, referral.rejection_reason, referral.closed_at = (
            ReferralStatus.REJECTED,
            reason,
            now,
        )
        referral.save()
        domain_events.record(tenant, "referral.rejected", referral_payload(referral))
        return referral
    customer_mark_referred(customer=referee, referrer=link.referrer)
    domain_events.record(tenant, "referral.created", referral_payload(referral))
    referral_qualify_if_met(referral=referral)
    return referral
