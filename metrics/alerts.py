"""KPI alerts: a closed period's KPI that moved the bad way beyond the tenant's threshold.

The registry says which way is bad (`good`); thresholds are per tenant (`KpiThreshold`), and
a new tenant starts with DOMAIN's examples: churn_rate up by more than 20 % relative, NPS
down by more than 10 points. An alert is stored once per KPI and period (a recomputation does
not repeat it) with a `kpi.alert` domain event.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from flywheel.core import events as domain_events
from metrics.models import KpiAlert, KpiSnapshot, KpiThreshold, ThresholdMode
from metrics.registry import BY_KEY
from metrics.selectors import previous_snapshot

DEFAULT_THRESHOLDS = (
    ("churn_rate", ThresholdMode.RELATIVE, Decimal("20")),
    ("nps", ThresholdMode.ABSOLUTE, Decimal("10")),
)


def thresholds_ensure_defaults(*, tenant) -> int:
    """Give a tenant without thresholds DOMAIN's examples (on `tenant.created`); returns how
    many were created. A tenant that later deletes them keeps none: no alerts."""
    if KpiThreshold.objects.exists():
        return 0
    for kpi, mode, threshold in DEFAULT_THRESHOLDS:
        KpiThreshold.objects.get_or_create(
            tenant=tenant, kpi=kpi, defaults={"mode": mode, "threshold": threshold}
        )
    return len(DEFAULT_THRESHOLDS)


def thresholds_for(*, tenant) -> list[KpiThreshold]:
    """The tenant's active thresholds."""
    return list(KpiThreshold.objects.filter(active=True).order_by("id"))


def deterioration(kpi: str, mode: str, previous, current) -> Decimal | None:
    """How far `kpi` moved the bad way (percent or units); None if not at all or unknown."""
    good = BY_KEY[kpi].good
    if previous is None or current is None or good == "neutral":
        return None
    previous, current = Decimal(str(previous)), Decimal(str(current))
    worse = current - previous if good == "down" else previous - current
    if worse <= 0:
        return None
    if mode == ThresholdMode.ABSOLUTE:
        return worse
    if previous == 0:
        return None
    return 100 * worse / abs(previous)


def alerts_evaluate(*, tenant, snapshot: KpiSnapshot) -> list[KpiAlert]:
    """Compare a closed snapshot with the previous period's; store and announce new alerts."""
    previous = previous_snapshot(snapshot, tenant.timezone)
    if previous is None:
        return []
    created = []
    for threshold in thresholds_for(tenant=tenant):
        was, now = previous.values.get(threshold.kpi), snapshot.values.get(threshold.kpi)
        change = deterioration(threshold.kpi, threshold.mode, was, now)
        if change is None or change <= threshold.threshold:
            continue
        try:
            with transaction.atomic():
                alert = KpiAlert.objects.create(
                    tenant=tenant,
                    kpi=threshold.kpi,
                    granularity=snapshot.granularity,
                    period_start=snapshot.period_start,
                    previous_value=was,
                    value=now,
                    change=float(round(change, 4)),
                    mode=threshold.mode,
                    threshold=threshold.threshold,
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
                "mode": alert.mode,
                "threshold": str(alert.threshold),
            },
        )
        created.append(alert)
    return created
