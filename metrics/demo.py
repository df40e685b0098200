"""Demo KPI history: monthly acquisition spend and snapshots over the seeded days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from metrics.models import AcquisitionSpend
from metrics.periods import periods_between
from metrics.services.jobs import recompute_range


def kpis_seed(*, tenant, days: int) -> int:
    """Spend per month on paid and social, then month, week and day snapshots; returns count."""
    today = timezone.now().astimezone(timezone.get_default_timezone()).date()
    since = today - timedelta(days=days)
    for index, month in enumerate(periods_between("month", since, today, tenant.timezone)):
        for channel, base in (("paid", Decimal(900)), ("social", Decimal(300))):
            AcquisitionSpend.objects.create(
                tenant=tenant,
                period_start=month.start,
                period_end=month.end - timedelta(days=1),
                channel=channel,
                amount=base + 50 * (index % 4),
                note="demo",
            )
    total = 0
    for granularity, back in (("month", days), ("week", 84), ("day", 30), ("quarter", days)):
        start = max(since, today - timedelta(days=back))
        total += recompute_range(tenant=tenant, granularity=granularity, since=start, until=today)
    return total
