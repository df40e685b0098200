"""Reading snapshots: the latest per granularity and the flywheel view with trends."""

from __future__ import annotations

from metrics.models import KpiSnapshot
from metrics.periods import GRANULARITIES, period_of
from metrics.registry import KPIS, PHASES


def latest_snapshots() -> dict[str, KpiSnapshot | None]:
    """granularity -> the stored snapshot with the newest period (None if none yet)."""
    return {
        granularity: KpiSnapshot.objects.filter(granularity=granularity)
        .order_by("-period_start")
        .first()
        for granularity in GRANULARITIES
    }


def previous_snapshot(snapshot: KpiSnapshot, tz: str) -> KpiSnapshot | None:
    """The stored snapshot of the period just before `snapshot`'s, same granularity."""
    period = period_of(snapshot.granularity, snapshot.period_start, tz)
    return KpiSnapshot.objects.filter(
        granularity=snapshot.granularity, period_start=period.previous().start
    ).first()


def _trend(value, previous, good: str) -> tuple[float | None, str | None, str | None]:
    if value is None or previous is None:
        return None, None, None
    change = value - previous
    change = change if isinstance(change, int) else round(change, 6)
    if change == 0:
        return change, "flat", "neutral"
    trend = "up" if change > 0 else "down"
    if good == "neutral":
        return change, trend, "neutral"
    return change, trend, "good" if trend == good else "bad"


def flywheel_view(*, tenant, granularity: str, closed: bool = False) -> dict:
    """The newest (`closed`: newest complete) period's KPIs by phase, against the one before."""
    snapshots = KpiSnapshot.objects.filter(granularity=granularity)
    if closed:
        snapshots = snapshots.filter(complete=True)
    current = snapshots.order_by("-period_start").first()
    previous = previous_snapshot(current, tenant.timezone) if current else None
    values = current.values if current else {}
    before = previous.values if previous else {}
    view: dict = {
        "granularity": granularity,
        "period_start": current.period_start if current else None,
        "period_end": current.period_end if current else None,
        "previous_period_start": previous.period_start if previous else None,
        "as_of": current.as_of if current else None,
        "complete": current.complete if current else None,
    }
    for phase in PHASES:
        view[phase] = []
        for kpi in KPIS:
            if kpi.phase != phase:
                continue
            value, prior = values.get(kpi.key), before.get(kpi.key)
            change, trend, assessment = _trend(value, prior, kpi.good)
            view[phase].append(
                {
                    "key": kpi.key,
                    "name": kpi.name,
                    "unit": kpi.unit,
                    "good": kpi.good,
                    "value": value,
                    "previous": prior,
                    "change": change,
                    "trend": trend,
                    "assessment": assessment,
                }
            )
    return view
