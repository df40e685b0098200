"""Periodic housekeeping of the core."""

from celery import shared_task

from flywheel.core import idempotency


@shared_task(name="flywheel.core.tasks.idempotency_records_purge_task")
def idempotency_records_purge_task() -> int:
    """Delete idempotency records older than 24 h (idempotent)."""
    return idempotency.purge_expired()
