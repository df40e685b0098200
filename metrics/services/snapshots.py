"""Computing and storing a tenant's KPI snapshot for one period (idempotent: it replaces)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from flywheel.core.observability.metrics import KPI_SNAPSHOT_LATENCY, KPI_SNAPSHOTS
from metrics import queries as q
from metrics.calculators import kpi_values
from metrics.models import AcquisitionSpend, KpiSnapshot
from metrics.periods import Period, period_of
from metrics.services.alerts import UNKNOWN, alerts_evaluate
from segments.kpis import health_at


def acquisition_spend(*, period: Period) -> Decimal | None:
    """The spend falling in the period: each record's share by overlapping days; None when
    no record overlaps it (unknown, not zero: CAC is then null, not 0)."""
    records = AcquisitionSpend.objects.filter(
        period_start__lt=period.end, period_end__gte=period.start
    ).values_list("period_start", "period_end", "amount")
    total, last_day, found = Decimal(0), period.end - timedelta(days=1), False
    for start, end, amount in records:
        found = True
        overlap = (min(end, last_day) - max(start, period.start)).days + 1
        total += amount * overlap / ((end - start).days + 1)
    return total.quantize(Decimal("0.01")) if found else None


def snapshot_statements(*, tenant, period: Period, as_of: datetime) -> list[tuple]:
    """The statements of the period `[start, min(end, as_of))` (see `queries`)."""
    s, e = period.starts_at, min(period.ends_at, as_of)
    return q.snapshot_statements(s, e, period.previous().starts_at)


def health_at_end(*, as_of: datetime) -> dict:
    """The health sums of the summary in force at `as_of` (None before the first summary)."""
    health = health_at(as_of)
    if health is None:
        return {"health_sum": None, "health_count": None}
    return {"health_sum": health["health_sum"], "health_count": health["health_count"]}


def snapshot_inputs(*, tenant, period: Period, as_of: datetime) -> tuple[dict, dict]:
    """The counts and sums of the period (the statements, the health summary at its end and
    the spend records), and the per-channel sums of the statements grouped by channel."""
    inputs: dict = {}
    channels: dict[str, dict] = {}
    statements = snapshot_statements(tenant=tenant, period=period, as_of=as_of)
    for fields, sql, params, grouped in statements:
        rows = q.run(sql, params)
        if grouped:
            inputs |= q.totals(fields, q.add_by_channel(channels, fields, rows))
        else:
            inputs |= q.as_numbers(fields, rows[0])
    inputs |= health_at_end(as_of=as_of)
    inputs["acquisition_spend"] = acquisition_spend(period=period)
    return inputs, channels


def _json(inputs: dict) -> dict:
    return {k: (v if v is None or isinstance(v, int) else float(v)) for k, v in inputs.items()}


def _channels_json(channels: dict[str, dict]) -> dict:
    return {channel: _json(numbers) for channel, numbers in sorted(channels.items())}


def snapshot_compute(
    *,
    tenant,
    granularity: str,
    day,
    now: datetime | None = None,
    previous: KpiSnapshot | object | None = UNKNOWN,
    thresholds: list | None = None,
) -> KpiSnapshot:
    """Compute the snapshot of the period containing the local `day`, replacing a stored one.

    A period still running is computed to `now`; a closed one to its end, and then checked
    against the previous period for KPI alerts. A caller computing consecutive periods hands
    over the `previous` period's snapshot (None: there is none) and the tenant's `thresholds`
    instead of having them read again for every period.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    period = period_of(granularity, day, tenant.timezone)
    as_of = min(period.ends_at, now)
    inputs, channels = snapshot_inputs(tenant=tenant, period=period, as_of=as_of)
    values = kpi_values(inputs, gross_margin=Decimal(tenant.gross_margin))
    fields = {
        "period_end": period.end,
        "starts_at": period.starts_at,
        "ends_at": period.ends_at,
        "as_of": as_of,
        "complete": period.ends_at <= now,
        "values": values,
        "inputs": _json(inputs),
        "channel_inputs": _channels_json(channels),
        "computed_at": now,
    }
    snapshot = _store(tenant=tenant, granularity=granularity, start=period.start, fields=fields)
    if snapshot.complete:
        alerts_evaluate(tenant=tenant, snapshot=snapshot, previous=previous, thresholds=thresholds)
    KPI_SNAPSHOTS.labels(granularity).inc()
    KPI_SNAPSHOT_LATENCY.labels(granularity).observe(time.perf_counter() - started)
    return snapshot


def _store(*, tenant, granularity: str, start, fields: dict) -> KpiSnapshot:
    """One `INSERT ... ON CONFLICT (tenant, granularity, period_start) DO UPDATE`: the period's
    snapshot replaced, a concurrent twin's included, in one statement (no savepoint, no
    `SELECT ... FOR UPDATE`, no retry)."""
    snapshot = KpiSnapshot(tenant=tenant, granularity=granularity, period_start=start, **fields)
    KpiSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["tenant", "granularity", "period_start"],
        update_fields=list(fields),
    )
    return snapshot
