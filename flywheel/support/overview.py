"""What support staff see of one tenant on one page: its people and credentials, its
flywheel (the latest closed month by phase, charts of the main KPIs), its customers' health,
what is broken (failing webhooks, parked subscribers, open alerts) and who changed what.

Every figure comes from the same selectors as the API (`flywheel_view` is `kpis/flywheel/`),
read inside the tenant's scope; each query is bounded (latest rows, grouped counts, the
newest health summary instead of a pass over the customers).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.safestring import mark_safe

from accounts.models import ApiKey, Membership
from customers.models import Customer, CustomerHealth, Stage
from flywheel.core.models import EventDelivery, StaffAction
from flywheel.core.tenancy import tenant_scope
from metrics.charts import line_chart, since_first_data
from metrics.models import KpiAlert, KpiSnapshot
from metrics.registry import KPIS
from metrics.selectors import flywheel_view
from segments.models import HealthAlert, HealthSummary
from webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

CHART_KPIS = (
    "nps",
    "churn_rate",
    "referral_rate",
    "mrr_end",
    "organic_growth_rate",
    "flywheel_velocity",
)
CHART_MONTHS = 12
LATEST = 10
BAND_COLOURS = {"green": "#2e9d5b", "yellow": "#d9a21b", "red": "#d2483c"}


def formatted(value, unit: str, currency: str = "") -> str:
    """A KPI value as support staff read it: ratios in percent, money with the currency."""
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    if unit == "money":
        return f"{value:,.2f} {currency}".strip()
    if unit in ("count",):
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def _change(change, unit: str, currency: str) -> str:
    """A change as read: ratios in percentage points, others in the KPI's unit, signed."""
    if change is None:
        return ""
    if unit == "ratio":
        return f"{change * 100:+.1f} pp"
    shown = formatted(change, unit, currency)
    return f"+{shown}" if change > 0 else shown


def _phases(view: dict, currency: str) -> list[dict]:
    """The flywheel view's phases with display strings (value, previous, change)."""
    phases = []
    for phase in ("attract", "engage", "delight", "overall"):
        rows = []
        for row in view.get(phase, []):
            change = row["change"]
            rows.append(
                {
                    **row,
                    "shown": formatted(row["value"], row["unit"], currency),
                    "previous_shown": formatted(row["previous"], row["unit"], currency),
                    "change_shown": _change(change, row["unit"], currency),
                    "arrow": {"up": "▲", "down": "▼", "flat": "▬"}.get(row["trend"] or "", ""),
                }
            )
        phases.append({"name": phase, "rows": rows})
    return phases


def kpi_charts(*, tenant, keys=CHART_KPIS, periods: int = CHART_MONTHS) -> list[dict]:
    """Monthly line charts of `keys` over the last `periods` months with data (the running
    month marked partial). Call inside the tenant's scope."""
    rows = since_first_data(
        list(
            KpiSnapshot.objects.filter(granularity="month")
            .order_by("-period_start")
            .values_list("period_start", "values", "complete", "inputs")[:periods]
        )[::-1]
    )
    running = bool(rows) and not rows[-1][2]
    by_key = {kpi.key: kpi for kpi in KPIS}
    charts = []
    for key in keys:
        kpi = by_key[key]
        points = [(start, values.get(key)) for start, values, _, _ in rows]
        title = f"{kpi.name} ({kpi.unit}; {kpi.good} is good)"
        # line_chart escapes its only text input (the title); the rest are numbers.
        charts.append(
            {
                "kpi": kpi,
                "points": points,
                "svg": mark_safe(line_chart(title, points, running_last=running)),
            }
        )
    return charts


def bands_bar(counts: dict[str, int]) -> str:
    """A horizontal bar of the health bands (green, yellow, red) with their counts."""
    total = sum(counts.values())
    width, x, parts = 400, 0.0, []
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="58" '
        f'viewBox="0 0 {width} 58" role="img" aria-label="Health bands" '
        'font-family="system-ui, sans-serif"><title>Health bands</title>'
    )
    for band in ("green", "yellow", "red"):
        n = counts.get(band, 0)
        share = n / total if total else 0
        w = width * share
        if w:
            parts.append(
                f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="24" fill="{BAND_COLOURS[band]}">'
                f"<title>{band}: {n:,} ({share:.1%})</title></rect>"
            )
        x += w
    legend_x = 0
    for band in ("green", "yellow", "red"):
        n = counts.get(band, 0)
        parts.append(
            f'<rect x="{legend_x}" y="38" width="10" height="10" fill="{BAND_COLOURS[band]}"/>'
            f'<text x="{legend_x + 14}" y="47" font-size="12" fill="currentColor">'
            f"{band} {n:,}</text>"
        )
        legend_x += 130
    parts.append("</svg>")
    return "".join(parts)


def _health(tenant) -> dict:
    summary = HealthSummary.objects.order_by("-computed_at").first()
    if summary is not None:
        counts = {"green": summary.green, "yellow": summary.yellow, "red": summary.red}
        as_of = summary.computed_at
    else:  # before the first full recompute: the stored scores as they are
        counts = dict(CustomerHealth.objects.values_list("band").annotate(n=Count("pk")).order_by())
        as_of = None
    average = (
        round(float(summary.score_sum) / summary.customers, 1)
        if summary is not None and summary.customers
        else None
    )
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "average": average,
        "as_of": as_of,
        "svg": mark_safe(bands_bar(counts)),
    }


def _recent_changes(tenant) -> list:
    """Field changes recorded by auditlog for the tenant's rows (by staff or users)."""
    from auditlog.models import LogEntry

    return list(
        LogEntry.objects.filter(additional_data__tenant_id=tenant.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:LATEST]
    )


def tenant_overview(tenant) -> dict:
    """Everything the overview page shows of `tenant`."""
    with tenant_scope(tenant):
        stages = dict(Customer.objects.values_list("stage").annotate(n=Count("pk")).order_by())
        failing = WebhookDelivery.objects.filter(
            status__in=[DeliveryState.FAILED, DeliveryState.DEAD]
        )
        return {
            "tenant": tenant,
            "stages": [(label, stages.get(value, 0)) for value, label in Stage.choices],
            "customers_total": sum(stages.values()),
            "members": list(
                Membership.objects.select_related("user").order_by("role", "user__email")
            ),
            "api_keys": list(ApiKey.objects.order_by("revoked_at", "-created_at")[:50]),
            "endpoints": list(WebhookEndpoint.objects.order_by("-active", "url")),
            "failing_deliveries": list(failing.select_related("endpoint").order_by("-id")[:LATEST]),
            "failing_count": failing.count(),
            "flywheel": (view := flywheel_view(tenant=tenant, granularity="month", closed=True)),
            "phases": _phases(view, tenant.currency),
            "charts": kpi_charts(tenant=tenant),
            "health": _health(tenant),
            "kpi_alerts": list(
                KpiAlert.objects.filter(acknowledged_at__isnull=True).order_by(
                    "-period_start", "kpi"
                )[:LATEST]
            ),
            "health_alerts": list(
                HealthAlert.objects.filter(ended_at__isnull=True)
                .values_list("kind")
                .annotate(n=Count("pk"))
                .order_by("-n")
            ),
            "parked": list(
                EventDelivery.objects.filter(status="parked")
                .values_list("subscriber")
                .annotate(n=Count("pk"))
                .order_by("-n")
            ),
            "staff_actions": list(
                StaffAction.objects.filter(tenant=tenant).order_by("-at")[:LATEST]
            ),
            "changes": _recent_changes(tenant),
        }
