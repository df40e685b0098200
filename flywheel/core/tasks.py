"""Periodic housekeeping of the core."""

from celery import shared_task

from flywheel.core import idempotency


@shared_task(name="flywheel.core.tasks.idempotency_records_purge_task")
def idempotency_records_purge_task() -> int:
    """Delete idempotency records older than 24 h (idempotent)."""
    return idempotency.purge_expired()


@shared_task(
    name="flywheel.core.tasks.domain_events_dispatch_task",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def domain_events_dispatch_task(event_ids: list[int]) -> int:
    """Run the handlers of these domain events (each in its tenant's scope); idempotent."""
    from flywheel.core import events

    return events.dispatch(event_ids)
