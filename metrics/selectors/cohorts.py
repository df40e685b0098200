"""KPIs per acquisition channel for one period: are referred customers worth more?

The snapshot's stage-history, event and MRR statements, grouped by the customers' channel
(three statements whatever the number of customers), and the health summary in force at the
period's end, which keeps each channel's sums.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from metrics import queries as q
from metrics.calculators import retention_values
from metrics.models import KpiSnapshot
from metrics.periods import Period
from metrics.registry import rounded
from segments.kpis import health_at

COHORT_FIELDS = ("customers_end", "churn_rate", "nrr", "avg_health_score", "clv", "revenue")


def _by_channel(fields: tuple[str, ...], rows) -> dict[str, dict]:
    return {row[0]: q.as_numbers(fields, row[1:]) for row in rows}


def cohorts_by_channel(*, tenant, period: Period, now=None) -> list[dict]:
    """One row per channel with customers in the tenant, sorted by channel."""
    now = now or timezone.now()
    s, e = period.starts_at, min(period.ends_at, now)
    customers = _by_channel(q.STAGE_FIELDS, q.run(*q.stages_sql(s, e, by_channel=True)))
    health = (health_at(e) or {}).get("by_channel", {})
    events = _by_channel(q.EVENT_FIELDS, q.run(*q.period_events_sql(s, e, by_channel=True)))
    mrr = _by_channel(q.MRR_FIELDS, q.run(*q.mrr_sql(s, e, by_channel=True)))
    no_mrr = dict.fromkeys(q.MRR_FIELDS, 0)
    margin = Decimal(tenant.gross_margin)
    rows = []
    for channel in sorted(customers):
        score_sum, scored = health.get(channel, (None, None))
        sums = {
            **customers[channel],
            **mrr.get(channel, no_mrr),
            "health_sum": score_sum,
            "health_count": scored,
        }
        values = {
            "customers_end": sums["customers_end"],
            **retention_values(sums, gross_margin=margin),
            "revenue": events.get(channel, {}).get("revenue", 0),
        }
        rows.append({"channel": channel, **{k: rounded(k, values[k]) for k in COHORT_FIELDS}})
    return rows


RUNNING_TTL = 5 * 60
CLOSED_TTL = 24 * 60 * 60


def cohorts_cached(*, tenant, period: Period, now=None) -> list[dict]:
    """`cohorts_by_channel`, cached: a closed period until its snapshot is recomputed (the key
    carries the snapshot's computation time) or a day passes, a running one five minutes."""
    now = now or timezone.now()
    closed = period.ends_at <= now
    stamp = ""
    if closed:
        computed = (
            KpiSnapshot.objects.filter(granularity=period.granularity, period_start=period.start)
            .values_list("computed_at", flat=True)
            .first()
        )
        stamp = computed.isoformat() if computed else "none"
    key = f"kpi-cohorts:{tenant.pk}:{period.granularity}:{period.start}:{stamp}"
    rows = cache.get(key)
    if rows is None:
        rows = cohorts_by_channel(tenant=tenant, period=period, now=now)
        cache.set(key, rows, CLOSED_TTL if closed else RUNNING_TTL)
    return rows
