"""The life cycle of a UGC request: create, submit or decline, moderate, publish, remind, expire."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from flywheel.core import events as domain_events
from flywheel.core.errors import ApplicationError, ConflictError
from ugc.defaults import PROMPTS
from ugc.models import OPEN_STATUSES, UGCRequest, UGCStatus, UGCTrigger

DEFAULT_EXPIRY_DAYS = 14


class RequestExpiredError(ApplicationError):
    status_code = 410
    default_detail = "This request has expired."
    default_code = "expired"


DEFAULT_REMINDER_DAYS = 3


def public_url(token: str, tenant=None) -> str:
    """Where the customer answers: the tenant's own frontend (its base URL + the token) if it
    set one, else our hosted page `/p/ugc/{token}`."""
    base = getattr(tenant, "frontend_base_url", "")
    if base:
        return f"{base}{token}"
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/p/ugc/{token}"


def payload(request: UGCRequest) -> dict[str, Any]:
    """What webhooks carry: enough for the tenant's email/SMS tool to deliver the ask."""
    return {
        "ugc_request_id": request.pk,
        "customer_id": request.customer_id,
        "kind": request.kind,
        "trigger": request.trigger,
        "status": request.status,
        "public_url": public_url(request.token, request.tenant),
        "due_at": request.due_at.isoformat(),
    }


def new_request(
    *,
    tenant,
    customer_id: int,
    kind: str,
    trigger: str,
    rule=None,
    source_event_id: int | None = None,
    prompt: str = "",
    now: datetime | None = None,
) -> UGCRequest:
    """An unsaved request with its token, prompt and due date (from the rule or defaults)."""
    now = now or timezone.now()
    expiry = rule.expiry_days if rule else DEFAULT_EXPIRY_DAYS
    return UGCRequest(
        tenant=tenant,
        customer_id=customer_id,
        kind=kind,
        trigger=trigger,
        rule=rule,
        source_event_id=source_event_id,
        token=secrets.token_urlsafe(32),
        prompt=prompt or PROMPTS[kind],
        due_at=now + timedelta(days=expiry),
        remind_at=now + timedelta(days=rule.reminder_days if rule else DEFAULT_REMINDER_DAYS),
        created_at=now,
    )


@transaction.atomic
def ugc_request_create(*, tenant, customer, kind: str, prompt: str = "") -> UGCRequest:
    """Ask a customer by hand; 409 when a request of that kind is still open."""
    request = new_request(
        tenant=tenant, customer_id=customer.pk, kind=kind, trigger=UGCTrigger.MANUAL, prompt=prompt
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as error:
        raise ConflictError(
            "This customer has an open request of this kind.", code="open_request_exists"
        ) from error
    domain_events.record(tenant, "ugc_request.created", payload(request))
    return request


def _move(request: UGCRequest, allowed: tuple[str, ...], to: str, **changes) -> UGCRequest:
    moved = UGCRequest.objects.filter(pk=request.pk, status__in=allowed).update(
        status=to, **changes
    )
    if not moved:
        request.refresh_from_db()
        raise ConflictError(
            f"A {request.status} request cannot become {to}.", code="invalid_transition"
        )
    request.status = to
    for name, value in changes.items():
        setattr(request, name, value)
    return request


def is_expired(request: UGCRequest, now: datetime | None = None) -> bool:
    return request.status == UGCStatus.EXPIRED or (
        request.status in OPEN_STATUSES and request.due_at <= (now or timezone.now())
    )


@transaction.atomic
def ugc_request_submit(
    *, request: UGCRequest, text: str, rating: int | None, media_url: str, consent: bool
) -> UGCRequest:
    """The customer's content; only an open, unexpired request accepts it (409 / 410)."""
    if not (text or media_url):
        raise ApplicationError("Send a text or a media URL.", code="empty_submission")
    now = timezone.now()
    if is_expired(request, now):
        raise RequestExpiredError()
    request = _move(
        request,
        OPEN_STATUSES,
        UGCStatus.SUBMITTED,
        text=text,
        rating=rating,
        media_url=media_url,
        consent=consent,
        submitted_at=now,
    )
    domain_events.record(request.tenant, "ugc_request.submitted", payload(request))
    return request


@transaction.atomic
def ugc_request_decline(*, request: UGCRequest) -> UGCRequest:
    if is_expired(request):
        raise RequestExpiredError()
    request = _move(request, OPEN_STATUSES, UGCStatus.DECLINED, decided_at=timezone.now())
    domain_events.record(request.tenant, "ugc_request.declined", payload(request))
    return request


@transaction.atomic
def ugc_request_approve(*, request: UGCRequest, note: str = "") -> UGCRequest:
    """submitted -> approved. Records `ugc_request.approved`; referrals subscribes to it and
    invites the happy customer to refer (closing the loop)."""
    request = _move(
        request,
        (UGCStatus.SUBMITTED,),
        UGCStatus.APPROVED,
        moderation_note=note,
        decided_at=timezone.now(),
    )
    domain_events.record(request.tenant, "ugc_request.approved", payload(request))
    return request


@transaction.atomic
def ugc_request_reject(*, request: UGCRequest, note: str = "") -> UGCRequest:
    request = _move(
        request,
        (UGCStatus.SUBMITTED,),
        UGCStatus.REJECTED,
        moderation_note=note,
        decided_at=timezone.now(),
    )
    domain_events.record(request.tenant, "ugc_request.rejected", payload(request))
    return request


@transaction.atomic
def ugc_request_publish(*, request: UGCRequest, published_url: str = "") -> UGCRequest:
    """approved -> published; nothing is published without the customer's consent (400)."""
    if request.status != UGCStatus.APPROVED:
        raise ConflictError(
            f"A {request.status} request cannot be published.", code="invalid_transition"
        )
    if not request.consent:
        raise ApplicationError(
            "The customer did not consent to publication.", code="consent_missing"
        )
    request = _move(
        request,
        (UGCStatus.APPROVED,),
        UGCStatus.PUBLISHED,
        published_url=published_url,
        published_at=timezone.now(),
    )
    domain_events.record(request.tenant, "ugc_request.published", payload(request))
    return request


@transaction.atomic
def ugc_requests_remind(*, tenant, now: datetime | None = None) -> int:
    """Remind once: open requests never reminded whose reminder days have passed."""
    now = now or timezone.now()
    due = list(
        UGCRequest.objects.filter(
            status=UGCStatus.REQUESTED, reminders_sent=0, remind_at__lte=now, due_at__gt=now
        )
    )
    ids = [r.pk for r in due]
    UGCRequest.objects.filter(pk__in=ids, status=UGCStatus.REQUESTED, reminders_sent=0).update(
        status=UGCStatus.REMINDED, reminders_sent=1, reminded_at=now
    )
    for request in due:
        request.status = UGCStatus.REMINDED
    domain_events.record_many(tenant, "ugc_request.reminded", [payload(r) for r in due])
    return len(ids)


@transaction.atomic
def ugc_requests_expire(*, tenant, now: datetime | None = None) -> int:
    """Expire open requests past their due date (idempotent)."""
    now = now or timezone.now()
    overdue = list(UGCRequest.objects.filter(status__in=OPEN_STATUSES, due_at__lte=now))
    UGCRequest.objects.filter(pk__in=[r.pk for r in overdue], status__in=OPEN_STATUSES).update(
        status=UGCStatus.EXPIRED, decided_at=now
    )
    for request in overdue:
        request.status = UGCStatus.EXPIRED
    domain_events.record_many(tenant, "ugc_request.expired", [payload(r) for r in overdue])
    return len(overdue)
