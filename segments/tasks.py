"""Celery adapters of segments: nightly health recomputation, one task per tenant."""

from celery import shared_task

from flywheel.core.fanout import for_each_active_tenant, run_in_tenant
from segments.services.health import health_recompute


@shared_task(acks_late=True)
def health_recompute_task(tenant_id: int):
    """Recompute one tenant's customer health (idempotent for one moment)."""
    return run_in_tenant(tenant_id, health_recompute)


@shared_task
def health_recompute_all_task() -> int:
    return for_each_active_tenant(health_recompute_task)
