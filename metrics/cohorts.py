"""KPIs per acquisition channel for one period: are referred customers worth more?

The snapshot's customer, event and MRR statements, grouped by the customers' channel: three
statements whatever the number of customers.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from metrics import queries as q
from metrics.formulas import product, ratio
from metrics.periods import Period
from metrics.registry import rounded

COHORT_KPIS = ("customers_end", "churn_rate", "nrr", "avg_health_score", "clv", "revenue")


def _by_channel(fields: tuple[str, ...], rows) -> dict[str, dict]:
    return {
        row[0]: {f: Decimal(str(v or 0)) for f, v in zip(fields, row[1:], strict=True)}
        for row in rows
    }


def cohorts_by_channel(*, tenant, period: Period, now=None) -> list[dict]:
    """One row per channel with customers in the tenant, sorted by channel."""
    now = now or timezone.now()
    s, e = period.starts_at, min(period.ends_at, now)
    customers = _by_channel(
        q.CUSTOMER_FIELDS, q.run(*q.customers_sql(tenant.pk, s, e, by_channel=True))
    )
    events = _by_channel(
        q.EVENT_FIELDS, q.run(*q.period_events_sql(tenant.pk, s, e, by_channel=True))
    )
    mrr = _by_channel(q.MRR_FIELDS, q.run(*q.mrr_sql(tenant.pk, s, e, by_channel=True)))
    margin = Decimal(tenant.gross_margin)
    rows = []
    for channel in sorted(customers):
        c, ev, m = customers[channel], events.get(channel, {}), mrr.get(channel, {})
        churn_rate = ratio(c["churned_customers"], c["customers_start"])
        arpa = ratio(m.get("mrr_end", 0), c["customers_end"])
        values = {
            "customers_end": c["customers_end"],
            "churn_rate": churn_rate,
            "nrr": ratio(m.get("retained_end_mrr"), m.get("retained_base_mrr")),
            "avg_health_score": ratio(c["health_sum"], c["health_count"]),
            "clv": ratio(product(arpa, margin), churn_rate),
            "revenue": ev.get("revenue", Decimal(0)),
        }
        rows.append({"channel": channel, **{k: rounded(k, v) for k, v in values.items()}})
    return rows


RUNNING_TTL = 5 * 60
CLOSED_TTL = 24 * 60 * 60


def cohorts_cached(*, tenant, period: Period, now=None) -> list[dict]:
    """`cohorts_by_channel`, cached: a closed period until its snapshot is recomputed (the key
    carries the snapshot's computation time) or a day passes, a running one five minutes."""
    from metrics.models import KpiSnapshot

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
