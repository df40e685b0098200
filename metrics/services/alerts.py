"""KPI alerts: a closed period's KPI that moved the bad way beyond the tenant's threshold.

The registry says which way is bad (`good`); thresholds are per tenant (`KpiThreshold`), and
a new tenant starts with DOMAIN's examples: churn_rate up by more than 20 % relative (or by 5
points where the previous month had no churn, since a relative move from 0 is undefined), NPS
down by more than 10 points. An alert carries the signed change (new - old) and the relative
change, is stored once per KPI and period (a recomputation does not repeat it) and announced
with a `kpi.alert` domain event.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from flywheel.core import events as domain_events
from metrics.models import KpiAlert, KpiSnapshot, KpiThreshold, ThresholdMode
from metrics.registry import BY_KEY
from metrics.selectors import previous_snapshot

UNKNOWN = object()  # "not looked up yet", where None means "there is none"

DEFAULT_THRESHOLDS = (
    ("churn_rate", ThresholdMode.RELATIVE, Decimal("20"), Decimal("0.05")),
    ("nps", ThresholdMode.ABSOLUTE, Decimal("10"), None),
)


def thresholds_ensure_defaults(*, tenant) -> int:
    """Give a tenant without thresholds DOMAIN's examples (on `tenant.created`); returns how
    many were created. A tenant that later deletes them keeps none: no alerts."""
    if KpiThreshold.objects.exists():
        return 0
    for kpi, mode, threshold, absolute in DEFAULT_THRESHOLDS:
        KpiThreshold.objects.get_or_create(
            tenant=tenant,
            kpi=kpi,
            defaults={"mode": mode, "threshold": threshold, "absolute_threshold": absolute},
        )
    return len(DEFAULT_THRESHOLDS)


def thresholds_for(*, tenant) -> list[KpiThreshold]:
    """The tenant's active thresholds."""
    return list(KpiThreshold.objects.filter(active=True).order_by("id"))


def changes(previous, current) -> tuple[Decimal | None, Decimal | None]:
    """(current - previous, that in percent of |previous|); None where undefined."""
    if previous is None or current is None:
        return None, None
    change = Decimal(str(current)) - Decimal(str(previous))
    relative = None if Decimal(str(previous)) == 0 else 100 * change / abs(Decimal(str(previous)))
    return change, relative


def crossed(kpi: str, threshold: KpiThreshold, previous, current) -> tuple[str, Decimal] | None:
    """The (mode, limit) of the threshold `kpi` crossed moving the bad way, or None.

    A relative threshold judges the move in percent of the previous value; where that is 0 or
    unknown, the absolute threshold judges the move from 0 (none set: no alert)."""
    good = BY_KEY[kpi].good
    if current is None or good == "neutral":
        return None
    base = Decimal(0) if previous is None else Decimal(str(previous))
    worse = Decimal(str(current)) - base if good == "down" else base - Decimal(str(current))
    if worse <= 0:
        return None
    if threshold.mode == ThresholdMode.RELATIVE and base != 0 and previous is not None:
        moved = 100 * worse / abs(base)
        return (
            (ThresholdMode.RELATIVE, threshold.threshold) if moved > threshold.threshold else None
        )
    limit = (
        threshold.threshold
        if threshold.mode == ThresholdMode.ABSOLUTE
        else threshold.absolute_threshold
    )
    if limit is None or worse <= limit:
        return None
    return ThresholdMode.ABSOLUTE, limit


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 4))


def alerts_evaluate(
    *,
    tenant,
    snapshot: KpiSnapshot,
    previous: KpiSnapshot | object | None = UNKNOWN,
    thresholds: list[KpiThreshold] | None = None,
) -> list[KpiAlert]:
    """Compare a closed snapshot with the previous period's; store and announce new alerts.
    `previous` and `thresholds` are read unless the caller has them (a range of periods)."""
    if previous is UNKNOWN:
        previous = previous_snapshot(snapshot, tenant.timezone)
    if previous is None:
        return []
    created = []
    for threshold in thresholds_for(tenant=tenant) if thresholds is None else thresholds:
        was, now = previous.values.get(threshold.kpi), snapshot.values.get(threshold.kpi)
        hit = crossed(threshold.kpi, threshold, was, now)
        if hit is None:
            continue
        mode, limit = hit
        change, relative = changes(was, now)
        try:
            with transaction.atomic():
                alert = KpiAlert.objects.create(
                    tenant=tenant,
                    kpi=threshold.kpi,
                    granularity=snapshot.granularity,
                    period_start=snapshot.period_start,
                    previous_value=was,
                    value=now,
                    change=_float(change),
                    relative_change=_float(relative),
                    mode=mode,
                    threshold=limit,
                )
        except IntegrityError:
            continue  # raised already for this period
        domain_events.record(
            tenant,
            "kpi.alert",
            {
                "alert_id": alert.pk,
                "kpi": alert.kpi,
                "granularity": alert.granularity,
                "period_start": alert.period_start.isoformat(),
                "previous_value": was,
                "value": now,
                "change": alert.change,
                "relative_change": alert.relative_change,
                "mode": alert.mode,
                "threshold": str(alert.threshold),
            },
        )
        created.append(alert)
    return created
