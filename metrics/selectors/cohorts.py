"""KPIs per acquisition channel for one period: are referred customers worth more?

The snapshot runs its stage-history, payment and MRR statements grouped by the customers'
channel and keeps the per-channel sums (`KpiSnapshot.channel_inputs`), so cohorts are served
from the period's snapshot with the health summary in force at its `as_of`: two reads,
whatever the number of customers. A period without such a snapshot is computed on request
(the same three statements) and cached.
"""

from __future__ import annotations

from datetime import datetime
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
RUNNING_TTL = 5 * 60
CLOSED_TTL = 24 * 60 * 60


def cohort_rows(channels: dict[str, dict], *, health: dict, gross_margin: Decimal) -> list[dict]:
    """One row per channel with stage history, sorted by channel, from the channel's sums
    (`q.STAGE_FIELDS`, `q.EVENT_FIELDS`, `q.MRR_FIELDS`; missing ones are 0) and the health
    summary's `(sum, count)` per channel."""
    rows = []
    for channel in sorted(c for c, sums in channels.items() if "customers_end" in sums):
        sums = {field: Decimal(str(value)) for field, value in channels[channel].items()}
        score_sum, scored = health.get(channel, (None, None))
        sums = {
            **dict.fromkeys(q.MRR_FIELDS, 0),
            **sums,
            "customers_end": int(sums["customers_end"]),
            "health_sum": score_sum,
            "health_count": scored,
        }
        values = {
            "customers_end": sums["customers_end"],
            **retention_values(sums, gross_margin=gross_margin),
            "revenue": sums.get("revenue", 0),
        }
        rows.append({"channel": channel, **{k: rounded(k, values[k]) for k in COHORT_FIELDS}})
    return rows


def cohorts_by_channel(*, tenant, period: Period, now=None) -> list[dict]:
    """Computed on request: the three statements grouped by channel, to `min(end, now)`."""
    now = now or timezone.now()
    s, e = period.starts_at, min(period.ends_at, now)
    channels: dict[str, dict] = {}
    for fields, sql, params in q.channel_statements(s, e):
        q.add_by_channel(channels, fields, q.run(sql, params))
    return cohort_rows(channels, health=_health(e), gross_margin=Decimal(tenant.gross_margin))


def cohorts_served(*, tenant, period: Period, now=None) -> tuple[list[dict], datetime]:
    """The cohorts of `period` and the instant they run to: from the period's snapshot when it
    kept its channel sums (a running period's as of its last computation, which the
    dispatcher repeats), else computed on request and cached (a closed period a day, a
    running one five minutes)."""
    now = now or timezone.now()
    snapshot = (
        KpiSnapshot.objects.filter(granularity=period.granularity, period_start=period.start)
        .exclude(channel_inputs=None)
        .values("channel_inputs", "as_of")
        .first()
    )
    if snapshot is not None:
        rows = cohort_rows(
            snapshot["channel_inputs"],
            health=_health(snapshot["as_of"]),
            gross_margin=Decimal(tenant.gross_margin),
        )
        return rows, snapshot["as_of"]
    as_of = min(period.ends_at, now)
    closed = period.ends_at <= now
    key = f"kpi-cohorts:{tenant.pk}:{period.granularity}:{period.start}"
    served = cache.get(key)
    if served is None:
        served = (cohorts_by_channel(tenant=tenant, period=period, now=now), as_of)
        cache.set(key, served, CLOSED_TTL if closed else RUNNING_TTL)
    return served


def _health(at: datetime) -> dict:
    return (health_at(at) or {}).get("by_channel", {})
