"""Celery tasks of the core: domain-event delivery and its sweeper, housekeeping."""

from celery import shared_task

from flywheel.core import delivery, idempotency


@shared_task(name="flywheel.core.tasks.idempotency_records_purge_task")
def idempotency_records_purge_task() -> int:
    """Delete idempotency records older than 24 h (idempotent)."""
    return idempotency.purge_expired()


@shared_task(name="flywheel.core.tasks.domain_event_deliver_task")
def domain_event_deliver_task(subscriber: str, event_ids: list[int]) -> dict[str, int]:
    """Deliver these domain events to one subscriber (once each; retries scheduled inside)."""
    return delivery.deliver(subscriber, event_ids)


@shared_task(name="flywheel.core.tasks.domain_events_sweep_task")
def domain_events_sweep_task() -> int:
    """Every minute: deliver events still pending after the grace period (lost enqueues,
    overdue retries)."""
    return delivery.sweep()
