"""Programs and referral links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from flywheel.core import events as domain_events
from flywheel.core.errors import ApplicationError
from referrals.codes import new_code
from referrals.models import ReferralLink, ReferralProgram


def public_url(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/r/{code}"


def _validate_program(program: ReferralProgram) -> None:
    if program.min_payment_amount is not None and program.qualification != "first_payment":
        raise ApplicationError(
            "min_payment_amount applies to the first_payment qualification only.",
            code="invalid_program",
        )


@transaction.atomic
def program_save(*, program: ReferralProgram, data: dict[str, Any]) -> ReferralProgram:
    """Create or update a program; marking it default unmarks the tenant's previous default."""
    for name, value in data.items():
        setattr(program, name, value)
    _validate_program(program)
    if program.is_default:
        ReferralProgram.objects.filter(is_default=True).exclude(pk=program.pk).update(
            is_default=False
        )
    program.save()
    return program


def _active_link(program: ReferralProgram, referrer) -> ReferralLink | None:
    return ReferralLink.objects.filter(program=program, referrer=referrer, active=True).first()


def referral_link_create(
    *, tenant, program: ReferralProgram, referrer, force_new: bool = False
) -> tuple[ReferralLink, bool]:
    """The referrer's one active link into `program`, created if missing.

    Returns (link, created). `force_new` replaces it: the current link is deactivated and a
    new code made (e.g. after a code leaked). At most one link per referrer and program is
    active (a constraint), so concurrent requests end with one link: a request that loses
    the race answers the winner's link. A code collision is retried with a new code.
    """
    for _ in range(5):
        if not force_new and (link := _active_link(program, referrer)) is not None:
            return link, False
        try:
            with transaction.atomic():
                if force_new:
                    ReferralLink.objects.filter(
                        program=program, referrer=referrer, active=True
                    ).update(active=False)
                link = ReferralLink.objects.create(
                    tenant=tenant, program=program, referrer=referrer, code=new_code()
                )
            return link, True
        except IntegrityError:  # another request made the active link, or a code collision
            force_new = False
            continue
    raise RuntimeError("Could not create a referral link.")


def referral_invite(*, tenant, customer, reason: str) -> ReferralLink | None:
    """Close the loop: give a happy customer a link to the default program and announce it.

    Returns the link, or None when the tenant has no active default program. Records
    `referral.invited` with the public URL, so the tenant's tools can ask at the best moment.
    """
    program = ReferralProgram.objects.filter(is_default=True, active=True).first()
    if program is None:
        return None
    link, created = referral_link_create(tenant=tenant, program=program, referrer=customer)
    domain_events.record(
        tenant,
        "referral.invited",
        {
            "customer_id": customer.pk,
            "program_id": program.pk,
            "link_id": link.pk,
            "code": link.code,
            "url": public_url(link.code),
            "reason": reason,
            "new_link": created,
        },
    )
    return link
