"""Celery tasks of webhooks: one delivery attempt per task, and the minute sweeper."""

from celery import shared_task

from flywheel.core.observability.metrics import EMAILS, WEBHOOK_ATTEMPTS
from webhooks import emails, services


@shared_task(name="webhooks.tasks.webhook_delivery_send_task", acks_late=True)
def webhook_delivery_send_task(delivery_id: int) -> str | None:
    """One attempt of one delivery (a slow receiver holds up only this task)."""
    status = services.delivery_send(delivery_id)
    if status is not None:
        WEBHOOK_ATTEMPTS.labels(status).inc()
    return status


@shared_task(name="webhooks.tasks.webhook_deliveries_due_task")
def webhook_deliveries_due_task() -> int:
    """Every minute: enqueue deliveries whose attempt is due."""
    return services.deliveries_due()


@shared_task(name="webhooks.tasks.email_send_task", acks_late=True)
def email_send_task(email_id: int) -> str | None:
    """Send one queued email."""
    status = emails.email_send(email_id)
    if status is not None:
        EMAILS.labels(status).inc()
    return status


@shared_task(name="webhooks.tasks.emails_due_task")
def emails_due_task() -> int:
    """Every minute: enqueue queued emails whose attempt is due."""
    return emails.emails_due()
