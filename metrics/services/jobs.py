"""Recompute jobs: a range of periods of one tenant, queued by the API, polled by id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from flywheel.core import queue
from flywheel.core.tenancy import tenant_scope
from metrics.models import JobStatus, KpiJob
from metrics.periods import periods_between
from metrics.services.alerts import UNKNOWN, thresholds_for
from metrics.services.snapshots import snapshot_compute

MAX_PERIODS = 1000
JOB_TASK = "metrics.tasks.kpi_job_task"


def job_create(*, tenant, granularity: str, since: date, until: date, requested_by: str) -> KpiJob:
    """Store a queued job and enqueue it once the transaction commits (a broker outage is
    logged: the job stays queued and can be asked for again)."""
    total = len(periods_between(granularity, since, until, tenant.timezone))
    job = KpiJob.objects.create(
        tenant=tenant,
        granularity=granularity,
        since=since,
        until=until,
        total=total,
        requested_by=requested_by,
    )
    transaction.on_commit(lambda: queue.send(JOB_TASK, [job.pk]))
    return job


def recompute_range(
    *, tenant, granularity: str, since: date, until: date, progress: Callable | None = None
) -> int:
    """Compute every period of the range, oldest first; `progress(done, total)` after each.
    The thresholds are read once, and each period's snapshot is the next one's previous."""
    periods = periods_between(granularity, since, until, tenant.timezone)
    thresholds = thresholds_for(tenant=tenant)
    previous = UNKNOWN
    for done, period in enumerate(periods, start=1):
        previous = snapshot_compute(
            tenant=tenant,
            granularity=granularity,
            day=period.start,
            previous=previous,
            thresholds=thresholds,
        )
        if progress is not None:
            progress(done, len(periods))
    return len(periods)


def job_run(job_id: int) -> str:
    """Run a job (a redelivered job starts over: snapshots replace, nothing doubles)."""
    job = KpiJob.all_tenants.select_related("tenant").get(pk=job_id)  # the worker has no scope
    if job.status == JobStatus.DONE:
        return job.status
    tenant: Tenant = job.tenant
    with tenant_scope(tenant):
        KpiJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=0)

        def progress(done: int, total: int) -> None:
            KpiJob.objects.filter(pk=job.pk).update(done=done, total=total)

        try:
            recompute_range(
                tenant=tenant,
                granularity=job.granularity,
                since=job.since,
                until=job.until,
                progress=progress,
            )
        except Exception as error:
            KpiJob.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
            raise
        KpiJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
    return JobStatus.DONE
