"""Computing and storing a tenant's KPI snapshot for one period (idempotent: it replaces)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from metrics import queries as q
from metrics.alerts import alerts_evaluate
from metrics.formulas import kpi_values
from metrics.models import AcquisitionSpend, KpiSnapshot
from metrics.periods import Period, period_of


def _number(value) -> Decimal | int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _row(fields: tuple[str, ...], row) -> dict:
    return {field: _number(value) for field, value in zip(fields, row, strict=True)}


def acquisition_spend(*, period: Period) -> Decimal:
    """The spend falling in the period: each record's share by overlapping days."""
    records = AcquisitionSpend.objects.filter(
        period_start__lt=period.end, period_end__gte=period.start
    )
    total, last_day = Decimal(0), period.end - timedelta(days=1)
    for start, end, amount in records.values_list("period_start", "period_end", "amount"):
        overlap = (min(end, last_day) - max(start, period.start)).days + 1
        total += amount * overlap / ((end - start).days + 1)
    return total.quantize(Decimal("0.01"))


def snapshot_inputs(*, tenant, period: Period, as_of: datetime) -> dict:
    """The counts and sums of the period `[start, min(end, as_of))`: five statements."""
    s, e = period.starts_at, min(period.ends_at, as_of)
    previous_start = period.previous().starts_at
    inputs: dict = {}
    inputs |= _row(q.CUSTOMER_FIELDS, q.run(*q.customers_sql(tenant.pk, s, e))[0])
    inputs |= _row(q.EVENT_FIELDS, q.run(*q.period_events_sql(tenant.pk, s, e))[0])
    inputs |= _row(q.NPS_FIELDS, q.run(*q.nps_sql(tenant.pk, s, e))[0])
    inputs |= _row(q.TTV_FIELDS, q.run(*q.time_to_value_sql(tenant.pk, s, e))[0])
    inputs |= _row(q.PIPELINE_FIELDS, q.run(*q.pipeline_sql(tenant.pk, s, e, previous_start))[0])
    inputs |= _row(q.MRR_FIELDS, q.run(*q.mrr_sql(tenant.pk, s, e))[0])
    inputs["acquisition_spend"] = acquisition_spend(period=period)
    return inputs


def _json(inputs: dict) -> dict:
    return {k: (v if isinstance(v, int) else float(v)) for k, v in inputs.items()}


def snapshot_compute(*, tenant, granularity: str, day, now: datetime | None = None) -> KpiSnapshot:
    """Compute the snapshot of the period containing the local `day`, replacing a stored one.

    A period still running is computed to `now`; a closed one to its end, and then checked
    against the previous period for KPI alerts.
    """
    now = now or timezone.now()
    period = period_of(granularity, day, tenant.timezone)
    as_of = min(period.ends_at, now)
    inputs = snapshot_inputs(tenant=tenant, period=period, as_of=as_of)
    values = kpi_values(inputs, gross_margin=Decimal(tenant.gross_margin))
    fields = {
        "period_end": period.end,
        "starts_at": period.starts_at,
        "ends_at": period.ends_at,
        "as_of": as_of,
        "complete": period.ends_at <= now,
        "values": values,
        "inputs": _json(inputs),
        "computed_at": now,
    }
    snapshot = _store(tenant=tenant, granularity=granularity, start=period.start, fields=fields)
    if snapshot.complete:
        alerts_evaluate(tenant=tenant, snapshot=snapshot)
    return snapshot


def _store(*, tenant, granularity: str, start, fields: dict) -> KpiSnapshot:
    """update_or_create on the unique period; a concurrent twin's insert makes us update."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                snapshot, _ = KpiSnapshot.objects.update_or_create(
                    tenant=tenant, granularity=granularity, period_start=start, defaults=fields
                )
                return snapshot
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")
