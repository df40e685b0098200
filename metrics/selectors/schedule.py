"""What the dispatcher queues: per active tenant and granularity, the current period to date,
the period just closed, and every older closed period of the last N that has no complete
snapshot (so a lost task heals on the next beat)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings

from accounts.models import Tenant
from metrics.models import KpiSnapshot
from metrics.periods import closed_periods, current_period


def planned_snapshots(now: datetime) -> list[tuple[int, str, date]]:
    """(tenant id, granularity, period start) to compute now, for every active tenant."""
    granularities = settings.KPI_GRANULARITIES
    reconcile = settings.KPI_RECONCILE_PERIODS
    tenants = list(Tenant.objects.filter(active=True).values_list("pk", "timezone"))
    # Dispatch runs across tenants: one query for what is already complete, for all of them.
    oldest = now.date() - timedelta(days=93 * (reconcile + 1))
    done = set(
        KpiSnapshot.all_tenants.filter(  # all tenants: the dispatcher serves every tenant
            tenant_id__in=[pk for pk, _ in tenants], complete=True, period_start__gte=oldest
        ).values_list("tenant_id", "granularity", "period_start")
    )
    plan = []
    for tenant_id, tz in tenants:
        for granularity in granularities:
            plan.append((tenant_id, granularity, current_period(granularity, now, tz).start))
            # The period just closed every time (late events still land in it), older ones
            # only while they have no complete snapshot.
            for index, period in enumerate(closed_periods(granularity, now, tz, reconcile)):
                if index == 0 or (tenant_id, granularity, period.start) not in done:
                    plan.append((tenant_id, granularity, period.start))
    return plan
