"""The dispatcher, the snapshot task, recompute jobs and the backfill command."""

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from metrics import tasks
from metrics.models import JobStatus, KpiJob, KpiSnapshot
from metrics.selectors.schedule import planned_snapshots
from tests.accounts.factories import TenantFactory
from tests.metrics.factories import KpiSnapshotFactory

NOW = datetime(2026, 11, 18, 10, tzinfo=UTC)


@pytest.mark.django_db
def test_the_dispatcher_plans_every_active_tenant_and_skips_inactive_ones(settings):
    # given
    settings.KPI_GRANULARITIES = ["month"]
    settings.KPI_RECONCILE_PERIODS = 3
    active, other = TenantFactory(), TenantFactory(timezone="Asia/Tokyo")
    inactive = TenantFactory(active=False)
    # when
    plan = planned_snapshots(NOW)
    # then: the current month and the three closed ones, for each active tenant
    tenants = {tenant_id for tenant_id, _, _ in plan}
    assert active.pk in tenants and other.pk in tenants
    assert inactive.pk not in tenants
    assert sorted(start for t, _, start in plan if t == active.pk) == [
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]


@pytest.mark.django_db
def test_the_dispatcher_reconciles_only_missing_or_unfinished_older_periods(settings):
    # given: October (just closed) complete, September stored while running, August complete
    settings.KPI_GRANULARITIES = ["month"]
    tenant = TenantFactory()
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 10, 1), complete=True)
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 9, 1), complete=False)
    KpiSnapshotFactory(tenant=tenant, period_start=date(2026, 8, 1), complete=True)
    # when
    starts = {start for t, _, start in planned_snapshots(NOW) if t == tenant.pk}
    # then: the running and the just closed period always, September to finish it
    assert starts == {date(2026, 11, 1), date(2026, 10, 1), date(2026, 9, 1)}


@pytest.mark.django_db
def test_a_dispatch_computes_snapshots_for_every_active_tenant(settings):
    # given (tasks run eagerly in tests)
    settings.KPI_GRANULARITIES = ["month", "week"]
    settings.KPI_RECONCILE_PERIODS = 2
    first, second = TenantFactory(), TenantFactory()
    inactive = TenantFactory(active=False)
    # when
    queued = tasks.kpis_dispatch_task.delay().get()
    # then: per tenant, per granularity: the current period and two closed ones
    assert queued == 2 * 2 * 3
    for tenant in (first, second):
        assert KpiSnapshot.all_tenants.filter(tenant=tenant).count() == 6
    assert not KpiSnapshot.all_tenants.filter(tenant=inactive).exists()
    # and a second beat recomputes only the running and the just closed periods
    assert tasks.kpis_dispatch_task.delay().get() == 2 * 2 * 2


@pytest.mark.django_db
def test_a_redelivered_snapshot_task_replaces_instead_of_duplicating():
    # given: a worker died after computing; the broker delivers the task again
    tenant = TenantFactory()
    first = tasks.kpi_snapshot_task.delay(tenant.pk, "month", "2026-10-01").get()
    # when
    again = tasks.kpi_snapshot_task.delay(tenant.pk, "month", "2026-10-01").get()
    # then
    assert first == again
    assert KpiSnapshot.all_tenants.filter(tenant=tenant).count() == 1


@pytest.mark.django_db
def test_the_tasks_are_late_acknowledged_requeued_on_worker_loss_and_retried():
    for task in (tasks.kpi_snapshot_task, tasks.kpi_job_task):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.max_retries >= 3
        assert task.retry_backoff
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert "kpis-dispatch" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_a_task_for_an_inactive_tenant_does_nothing():
    tenant = TenantFactory(active=False)
    assert tasks.kpi_snapshot_task.delay(tenant.pk, "month", "2026-10-01").get() is None
    assert not KpiSnapshot.all_tenants.exists()


@pytest.mark.django_db
def test_a_job_runs_every_period_of_its_range_and_reports_progress():
    # given
    tenant = TenantFactory()
    job = KpiJob.all_tenants.create(
        tenant=tenant, granularity="month", since=date(2026, 1, 15), until=date(2026, 4, 2)
    )
    # when
    status = tasks.kpi_job_task.delay(job.pk).get()
    # then
    job.refresh_from_db()
    assert status == JobStatus.DONE == job.status
    assert (job.done, job.total) == (4, 4)
    assert job.finished_at is not None
    starts = KpiSnapshot.all_tenants.filter(tenant=tenant).values_list("period_start", flat=True)
    assert sorted(starts) == [date(2026, m, 1) for m in (1, 2, 3, 4)]


@pytest.mark.django_db
def test_the_backfill_command_computes_the_range(capsys):
    # given
    tenant = TenantFactory(slug="backfill")
    # when
    call_command(
        "compute_kpis",
        "--tenant=backfill",
        "--since=2026-09-01",
        "--until=2026-10-31",
        "--granularity=month",
        "--granularity=week",
    )
    # then: 2 months and the 9 weeks from Monday 31 August to Monday 26 October
    rows = KpiSnapshot.all_tenants.filter(tenant=tenant)
    assert rows.filter(granularity="month").count() == 2
    assert rows.filter(granularity="week").count() == 9
    captured = capsys.readouterr()
    assert "Computed 11 snapshots for backfill." in captured.out
    assert "9/9 week snapshots" in captured.err
