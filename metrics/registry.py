"""The KPI registry: one definition per KPI of DOMAIN section 7.

The single source for the API (`kpis/definitions/`), the flywheel view's grouping, the
alerts' "which way is bad" and docs/kpis.md (rendered from here; a test keeps them equal).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

PHASES = ("attract", "engage", "delight", "overall")
UNITS = {
    "count": 0,
    "ratio": 4,
    "money": 2,
    "days": 2,
    "score": 1,
    "months": 2,
    "index": 4,
}
UNIT_CHOICES = tuple(sorted(UNITS))
GOOD_CHOICES = ("up", "down", "neutral")


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    phase: str
    unit: str
    good: str  # "up", "down" or "neutral"
    formula: str

    @property
    def places(self) -> int:
        return UNITS[self.unit]

    def as_dict(self) -> dict:
        return asdict(self)


def _k(key, name, phase, unit, good, formula) -> Kpi:
    return Kpi(key, name, phase, unit, good, formula)


KPIS: tuple[Kpi, ...] = (
    _k(
        "new_leads", "New leads", "attract", "count", "up", "customer records created in the period"
    ),
    _k(
        "qualified_leads",
        "Qualified leads",
        "attract",
        "count",
        "up",
        "distinct customers that entered `qualified_lead` in the period",
    ),
    _k(
        "lead_velocity_rate",
        "Lead velocity rate",
        "attract",
        "ratio",
        "up",
        "(qualified_leads - previous period's qualified_leads) / previous period's",
    ),
    _k(
        "lead_to_customer_rate",
        "Lead-to-customer rate",
        "attract",
        "ratio",
        "up",
        "new_customers / new_leads",
    ),
    _k(
        "organic_growth_rate",
        "Organic growth rate",
        "attract",
        "ratio",
        "up",
        "new customers whose acquisition_channel is `referral` or `organic` / new_customers",
    ),
    _k(
        "cac",
        "Customer acquisition cost",
        "attract",
        "money",
        "down",
        "acquisition spend in the period / new_customers (null when no spend is recorded "
        "for the period: unknown is not zero; a recorded 0 gives 0)",
    ),
    _k(
        "cost_per_lead",
        "Cost per lead",
        "attract",
        "money",
        "down",
        "acquisition spend in the period / new_leads (null when no spend is recorded)",
    ),
    _k(
        "new_customers",
        "New customers",
        "engage",
        "count",
        "up",
        "customers whose `became_customer_at` (the first time) is in the period",
    ),
    _k(
        "reactivated_customers",
        "Reactivated customers",
        "engage",
        "count",
        "up",
        "customers who had been customers before the period and returned from `churned` to "
        "`customer`/`advocate` in it (a return is a reactivation, not a new customer)",
    ),
    _k(
        "time_to_value_days",
        "Time to value (days)",
        "engage",
        "days",
        "down",
        "mean days from `became_customer_at` to the first `milestone` event, over customers "
        "whose first milestone is in the period",
    ),
    _k(
        "avg_health_score",
        "Average health score",
        "engage",
        "score",
        "up",
        "mean health score of the customers active at the end, as it stood then: the daily "
        "health summary at the period's end (null for periods before the first summary)",
    ),
    _k(
        "active_usage_rate",
        "Active usage rate",
        "engage",
        "ratio",
        "up",
        "customers active at the end with a `login` event in the period / customers_end",
    ),
    _k(
        "nps",
        "Net promoter score",
        "delight",
        "score",
        "up",
        "100 x (promoters - detractors) / respondents, each customer's latest `nps` answer in "
        "the period (promoter 9-10, detractor 0-6)",
    ),
    _k(
        "referral_rate",
        "Referral rate",
        "delight",
        "ratio",
        "up",
        "distinct referrers with a referral qualified in the period / customers_end",
    ),
    _k(
        "customer_generated_revenue_share",
        "Customer-generated revenue share",
        "delight",
        "ratio",
        "up",
        "paid revenue from customers whose acquisition_channel is `referral` / revenue",
    ),
    _k(
        "ugc_submitted",
        "UGC submitted",
        "delight",
        "count",
        "up",
        "UGC requests submitted in the period",
    ),
    _k(
        "ugc_published",
        "UGC published",
        "delight",
        "count",
        "up",
        "UGC requests published in the period",
    ),
    _k(
        "customers_start",
        "Customers at start",
        "overall",
        "count",
        "up",
        "customers whose stage at the start, read from the stage history, is `customer` or "
        "`advocate`",
    ),
    _k(
        "customers_end",
        "Customers at end",
        "overall",
        "count",
        "up",
        "customers whose stage at the end, read from the stage history, is `customer` or "
        "`advocate`",
    ),
    _k(
        "churned_customers",
        "Churned customers",
        "overall",
        "count",
        "down",
        "entries into `churned` from `customer` or `advocate` in the period (stage history; a "
        "lead lost is not a churned customer)",
    ),
    _k(
        "churn_rate",
        "Churn rate",
        "overall",
        "ratio",
        "down",
        "churned_customers / customers_start",
    ),
    _k(
        "retention_rate",
        "Retention rate",
        "overall",
        "ratio",
        "up",
        "(customers_end - new_customers - reactivated_customers) / customers_start",
    ),
    _k(
        "revenue",
        "Revenue",
        "overall",
        "money",
        "up",
        "sum of `payment` event values with status `paid` in the period",
    ),
    _k(
        "mrr_end",
        "MRR at end",
        "overall",
        "money",
        "up",
        "sum over customers of the value of their latest `subscription` event before the end",
    ),
    _k("arpa", "Average revenue per account", "overall", "money", "up", "mrr_end / customers_end"),
    _k(
        "new_mrr",
        "New MRR",
        "overall",
        "money",
        "up",
        "sum of MRR at the end of customers new in the period (first `became_customer_at` in "
        "it) with MRR 0 at the start and > 0 at the end",
    ),
    _k(
        "reactivation_mrr",
        "Reactivation MRR",
        "overall",
        "money",
        "up",
        "sum of MRR at the end of customers reactivated in the period with MRR 0 at the start "
        "(kept apart from new MRR, as ChartMogul does)",
    ),
    _k(
        "expansion_mrr",
        "Expansion MRR",
        "overall",
        "money",
        "up",
        "sum of (end - start) over customers whose MRR grew, except new and reactivated "
        "customers starting from 0 (so a free plan upgraded is expansion)",
    ),
    _k(
        "contraction_mrr",
        "Contraction MRR",
        "overall",
        "money",
        "down",
        "sum of (start - end) over customers with 0 < end < start",
    ),
    _k(
        "churned_mrr",
        "Churned MRR",
        "overall",
        "money",
        "down",
        "sum of start MRR over customers with start > 0 and end = 0",
    ),
    _k(
        "nrr",
        "Net revenue retention",
        "overall",
        "ratio",
        "up",
        "MRR at the end of the customers with MRR > 0 at the start / their MRR at the start",
    ),
    _k(
        "grr",
        "Gross revenue retention",
        "overall",
        "ratio",
        "up",
        "as nrr, each customer's end MRR capped at its start MRR",
    ),
    _k(
        "clv",
        "Customer lifetime value",
        "overall",
        "money",
        "up",
        "arpa x gross margin (tenant setting) / churn_rate",
    ),
    _k(
        "cac_payback_months",
        "CAC payback (months)",
        "overall",
        "months",
        "down",
        "cac / (arpa x gross margin)",
    ),
    _k(
        "flywheel_velocity",
        "Flywheel velocity",
        "overall",
        "index",
        "up",
        "organic_growth_rate x clv x referral_rate / cac (above 3: a working flywheel)",
    ),
)

BY_KEY: dict[str, Kpi] = {kpi.key: kpi for kpi in KPIS}


def rounded(key: str, value: Decimal | None) -> float | int | None:
    """A KPI value rounded half up to its unit's places, as a JSON number (None stays)."""
    if value is None:
        return None
    places = BY_KEY[key].places
    quantum = Decimal(1).scaleb(-places)
    result = Decimal(value).quantize(quantum, rounding="ROUND_HALF_UP")
    return int(result) if places == 0 else float(result)


def render_markdown() -> str:
    """docs/kpis.md, rendered from the registry."""
    lines = [
        "# KPIs",
        "",
        "Generated from `metrics/registry.py` by `python manage.py kpis_doc --write`; a test",
        "fails when this file and the registry differ. Definitions follow DOMAIN.md section 7.",
        "",
        "A snapshot covers one period `[start, end)` of a tenant (`day`, `week` from Monday,",
        "`month`, `quarter`) in the tenant's timezone. *Active customers at t*: those whose",
        "stage at t, read from the stage history (the latest change before t), is `customer` or",
        "`advocate`; a customer who churned and came back was not active in between, and",
        "nothing after a period's end is read, so recomputing a closed period gives the same",
        "snapshot. A ratio whose denominator is zero is null. Money is in the"
        "tenant's currency. MRR at a moment is the value of the customer's latest `subscription`",
        "event before it (0 without one). Ratios are fractions (0.25 = 25 %), rounded to 4",
        "places; money to 2; days and months to 2; scores to 1. `good` says which way is better",
        "(alerts fire when a KPI moves the other way by more than the tenant's threshold).",
        "",
    ]
    for phase in PHASES:
        lines += [f"## {phase.capitalize()}", "", "| key | name | unit | good | formula |"]
        lines.append("|---|---|---|---|---|")
        for kpi in KPIS:
            if kpi.phase == phase:
                lines.append(
                    f"| `{kpi.key}` | {kpi.name} | {kpi.unit} | {kpi.good} | {kpi.formula} |"
                )
        lines.append("")
    return "\n".join(lines)
