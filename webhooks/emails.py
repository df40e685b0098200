"""Email to a tenant's customers: a UGC request, its reminder, a referral invitation, a reward
issued. Rendered from templates (HTML and text, English or German by the tenant's language)
with the tenant's sender name, reply-to and colour, each with an unsubscribe link, and sent
through Django's mail framework (`EMAIL_URL`). One email per event and kind at most
(`SentEmail`, unique), queued in the subscriber's transaction and sent by its own task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from customers.models import Customer
from flywheel.core import queue
from webhooks.copy import texts_for
from webhooks.models import EmailKind, EmailSettings, EmailStatus, SentEmail

UNSUBSCRIBE_SALT = "flywheel.unsubscribe"


@dataclass(frozen=True)
class Message:
    kind: str
    customer_id: int
    context: dict


def unsubscribe_token(customer: Customer) -> str:
    """A signed, unguessable token naming the customer (no table needed)."""
    return signing.dumps({"c": customer.pk, "t": customer.tenant_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(customer: Customer) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/p/unsubscribe/{unsubscribe_token(customer)}"


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    """(customer id, tenant id), or None for a token we did not sign."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return int(data["c"]), int(data["t"])


def message_for(event) -> Message | None:
    """The email a domain event asks for, or None."""
    data = event.payload
    if event.name == "ugc_request.created":
        return Message(EmailKind.UGC_REQUEST, data["customer_id"], {"request": data})
    if event.name == "ugc_request.reminded":
        return Message(EmailKind.UGC_REMINDER, data["customer_id"], {"request": data})
    if event.name == "referral.invited":
        return Message(EmailKind.REFERRAL_INVITATION, data["customer_id"], {"invitation": data})
    if event.name == "reward.issued":
        return Message(EmailKind.REWARD_ISSUED, data["recipient_id"], {"reward": data})
    return None


EMAIL_EVENTS = ("ugc_request.created", "ugc_request.reminded", "referral.invited", "reward.issued")


def _skip_reason(customer, kind: str, prefs: EmailSettings) -> str:
    if customer is None:
        return "customer deleted"
    if not prefs.sends(kind):
        return "switched off by the tenant"
    if customer.email_opt_out_at is not None:
        return "unsubscribed"
    if not customer.email:
        return "no email address"
    return ""


def render(tenant, customer, message: Message) -> tuple[str, str, str]:
    """(subject, text, html) of a message, in the tenant's language."""
    texts = texts_for(tenant)
    context = {
        **message.context,
        "tenant": tenant,
        "customer": customer,
        "t": texts,
        "kind_name": texts["kinds"].get(message.context.get("request", {}).get("kind", ""), ""),
        "unsubscribe_url": unsubscribe_url(customer),
    }
    subject = texts[f"subject_{message.kind}"]
    text = render_to_string(f"webhooks/email/{message.kind}.txt", context)
    html = render_to_string(f"webhooks/email/{message.kind}.html", context)
    return subject, text, html


def emails_queue(*, tenant, events) -> list[int]:
    """Queue the emails these domain events ask for (or note why not), once per event and
    kind; each queued one is sent by its own task after commit. Returns the queued ids."""
    prefs = EmailSettings.objects.first() or EmailSettings(tenant=tenant)
    wanted = [(event, m) for event in events if (m := message_for(event)) is not None]
    customers = Customer.objects.in_bulk([m.customer_id for _, m in wanted])
    rows = []
    for event, message in wanted:
        customer = customers.get(message.customer_id)
        reason = _skip_reason(customer, message.kind, prefs)
        rows.append(
            SentEmail(
                tenant=tenant,
                event=event,
                customer=customer,
                kind=message.kind,
                to_address="" if reason else customer.email,
                status=EmailStatus.SKIPPED if reason else EmailStatus.QUEUED,
                reason=reason,
            )
        )
    # all_tenants: the rows carry their tenant; a conflict is this event's email, made before.
    SentEmail.all_tenants.bulk_create(rows, ignore_conflicts=True)
    queued = list(
        SentEmail.objects.filter(
            event__in=[event for event, _ in wanted], status=EmailStatus.QUEUED, attempts=0
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: [queue.send(SEND_TASK, [pk]) for pk in queued])
    return queued


SEND_TASK = "webhooks.tasks.email_send_task"
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def email_send(email_id: int, now: datetime | None = None) -> str | None:
    """Send one queued email (claimed with a lease); returns its status, None if not due."""
    now = now or timezone.now()
    # all_tenants: the task gets an id; the row names its tenant.
    claimed = SentEmail.all_tenants.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=email_id,
        status=EmailStatus.QUEUED,
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return None
    row = SentEmail.all_tenants.select_related("tenant", "customer", "event").get(pk=email_id)
    message = message_for(row.event)
    customer, tenant = row.customer, row.tenant
    prefs = EmailSettings.all_tenants.filter(tenant=tenant).first() or EmailSettings(tenant=tenant)
    reason = "customer deleted" if customer is None or message is None else ""
    reason = reason or _skip_reason(customer, row.kind, prefs)  # may have changed meanwhile
    if reason:
        SentEmail.all_tenants.filter(pk=row.pk).update(status=EmailStatus.SKIPPED, reason=reason)
        return EmailStatus.SKIPPED
    subject, text, html = render(tenant, customer, message)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=f"{prefs.sender_name or tenant.name} <{settings.DEFAULT_FROM_EMAIL}>",
        to=[customer.email],
        reply_to=[prefs.reply_to] if prefs.reply_to else None,
        headers={"List-Unsubscribe": f"<{unsubscribe_url(customer)}>"},
    )
    email.attach_alternative(html, "text/html")
    try:
        email.send()
    except Exception as error:  # SMTP down, refused: retried a few times, then failed
        failed = row.attempts >= MAX_ATTEMPTS
        delay = 60 * 2**row.attempts
        SentEmail.all_tenants.filter(pk=row.pk).update(
            status=EmailStatus.FAILED if failed else EmailStatus.QUEUED,
            last_error=f"{type(error).__name__}: {error}"[:500],
            next_attempt_at=None if failed else now + timedelta(seconds=delay),
        )
        if not failed:
            queue.send(SEND_TASK, [row.pk], countdown=delay)
        return EmailStatus.FAILED if failed else EmailStatus.QUEUED
    SentEmail.all_tenants.filter(pk=row.pk).update(
        status=EmailStatus.SENT, subject=subject[:200], sent_at=now, next_attempt_at=None
    )
    return EmailStatus.SENT


def email_retry(*, email: SentEmail) -> SentEmail:
    """Queue a failed email again (after the mail server is back); sent and skipped ones stay
    as they are, so an email is never sent twice."""
    # all_tenants: the row is already the caller's (support staff in the admin, by id).
    requeued = SentEmail.all_tenants.filter(pk=email.pk, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, attempts=0, next_attempt_at=None, last_error=""
    )
    if requeued:
        transaction.on_commit(lambda: queue.send(SEND_TASK, [email.pk]))
    email.refresh_from_db()
    return email


def emails_due(now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue queued emails whose attempt is due (lost enqueues, expired leases)."""
    now = now or timezone.now()
    # all_tenants: the sweeper works across tenants.
    due = list(
        SentEmail.all_tenants.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            status=EmailStatus.QUEUED,
            created_at__lt=now - timedelta(seconds=30),
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        queue.send(SEND_TASK, [pk])
    return len(due)
