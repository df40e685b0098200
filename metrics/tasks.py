"""Celery adapters of metrics: the dispatcher, one snapshot per task, recompute jobs.

Every task is idempotent (a snapshot replaces its period's row), acknowledged late and
requeued if its worker dies, and retried with exponential backoff on database hiccups.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from flywheel.core.fanout import run_in_tenant
from metrics.selectors.schedule import planned_snapshots
from metrics.services.jobs import job_run
from metrics.services.snapshots import snapshot_compute

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(**RETRY)
def kpi_snapshot_task(tenant_id: int, granularity: str, period_start: str) -> int | None:
    """Compute one tenant's snapshot of one period; returns its id (None: tenant inactive)."""
    snapshot = run_in_tenant(
        tenant_id,
        snapshot_compute,
        granularity=granularity,
        day=date.fromisoformat(period_start),
    )
    return snapshot.pk if snapshot is not None else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def kpis_dispatch_task() -> int:
    """Queue the current and any missing closed periods for every active tenant."""
    plan = planned_snapshots(timezone.now())
    for tenant_id, granularity, start in plan:
        kpi_snapshot_task.delay(tenant_id, granularity, start.isoformat())
    return len(plan)


@shared_task(**RETRY)
def kpi_job_task(job_id: int) -> str:
    """Run a queued recompute job (see `metrics.services.jobs.job_run`)."""
    return job_run(job_id)
