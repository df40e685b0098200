"""Pure formulas of DOMAIN section 6: segment scoring, beachhead sizing, health components.

No database. Decimal arithmetic throughout, so weights add up exactly and roundings are the
documented ones (half up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from segments.models import MarketSizing

HUNDRED = Decimal(100)

DEFAULT_CRITERIA = (
    ("speed_of_change", "Speed of change", Decimal(20)),
    ("urgency_to_change", "Urgency to change", Decimal(20)),
    ("competitive_landscape", "Competitive landscape", Decimal(10)),
    ("market_size", "Market size", Decimal(20)),
    ("market_potential", "Market potential", Decimal(20)),
    ("adjacent_segments", "Adjacent segments", Decimal(10)),
)

ROGERS_GROUPS = (
    ("innovators", Decimal("2.5")),
    ("early_adopters", Decimal("13.5")),
    ("early_majority", Decimal("34")),
    ("late_majority", Decimal("34")),
    ("laggards", Decimal("16")),
)


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- market segment scoring -------------------------------------------------------------


def weights_problem(weights: list[Decimal]) -> str | None:
    """Why a criteria set's weights are invalid (they must be positive and sum to 100), or None."""
    if any(w <= 0 for w in weights):
        return "Every weight is above 0."
    total = sum(weights, Decimal(0))
    if total != HUNDRED:
        return f"The weights sum to {total}, not exactly 100."
    return None


def segment_score(weights: dict[str, Decimal], ratings: dict[str, int]) -> Decimal:
    """Sum of rating x weight (weights in percent): at most 5.00 on the 1..5 scale."""
    total = sum((Decimal(ratings[key]) * weight for key, weight in weights.items()), Decimal(0))
    return round_half_up(total / HUNDRED, 2)


def rank(scored: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal, int]]:
    """(name, score, rank): by score descending, ties by name, ranks 1..n."""
    ordered = sorted(scored, key=lambda item: (-item[1], item[0]))
    return [(name, score, position) for position, (name, score) in enumerate(ordered, 1)]


# --- beachhead market sizing -------------------------------------------------------------


@dataclass
class SizingGroup:
    key: str
    share: Decimal  # percent of the market
    customers: Decimal  # unrounded
    customers_rounded: Decimal
    arr_potential: Decimal
    arr_at_share: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Sizing:
    groups: list[SizingGroup]
    total_customers: Decimal
    total_arr_potential: Decimal
    total_arr_at_share: dict[str, Decimal]


def beachhead_sizing(
    *,
    market_customers: int,
    average_arr: Decimal,
    groups: list[tuple[str, Decimal]],
    targeted: list[str],
    market_shares: list[Decimal],
) -> Sizing:
    """Seed 004 table 1.3: per targeted adoption group, customers (shown rounded), ARR
    potential from the unrounded count, and ARR at each market share rounded half up."""
    rows = []
    for key, share in groups:
        if key not in targeted:
            continue
        customers = Decimal(market_customers) * share / HUNDRED
        arr = customers * average_arr
        rows.append(
            SizingGroup(
                key=key,
                share=share,
                customers=customers,
                customers_rounded=round_half_up(customers),
                arr_potential=round_half_up(arr, 2),
                arr_at_share={_pct(s): round_half_up(arr * s / HUNDRED) for s in market_shares},
            )
        )
    total_customers = sum((r.customers for r in rows), Decimal(0))
    total_arr = sum((r.customers for r in rows), Decimal(0)) * average_arr
    return Sizing(
        groups=rows,
        total_customers=round_half_up(total_customers),
        total_arr_potential=round_half_up(total_arr, 2),
        total_arr_at_share={_pct(s): round_half_up(total_arr * s / HUNDRED) for s in market_shares},
    )


def _pct(share: Decimal) -> str:
    return f"{share.normalize():f}"


# --- customer health ---------------------------------------------------------------------


@dataclass(frozen=True)
class HealthSettings:
    weights: dict[str, Decimal]  # login_frequency, feature_usage, support_tickets, payment_history
    key_features: tuple[str, ...]
    target_logins_per_week: Decimal = Decimal(5)
    ticket_threshold: int = 3
    green_threshold: Decimal = Decimal(70)
    yellow_threshold: Decimal = Decimal(40)


@dataclass(frozen=True)
class HealthInputs:
    logins_28d: int
    key_features_used_30d: int
    tickets_opened_30d: int
    payments_90d: int
    paid_payments_90d: int


@dataclass(frozen=True)
class Health:
    score: Decimal
    band: str
    components: dict[str, Decimal]
    alerts: list[str]


def health(inputs: HealthInputs, settings: HealthSettings) -> Health:
    """DOMAIN's health score of one customer: four components, weighted, banded, alerted.

    With no key features, feature usage is left out and the other weights scaled to 100.
    The score is rounded to one decimal (half up) before banding.
    """
    per_week = Decimal(inputs.logins_28d) / 4
    components = {
        "login_frequency": min(HUNDRED, HUNDRED * per_week / settings.target_logins_per_week),
        "support_tickets": max(
            Decimal(0),
            HUNDRED * (1 - Decimal(inputs.tickets_opened_30d) / (2 * settings.ticket_threshold)),
        ),
        "payment_history": (
            HUNDRED
            if inputs.payments_90d == 0
            else HUNDRED * inputs.paid_payments_90d / inputs.payments_90d
        ),
    }
    alerts = []
    if per_week < 2:
        alerts.append("risk_alert")
    if settings.key_features:
        share = Decimal(inputs.key_features_used_30d) / len(settings.key_features)
        components["feature_usage"] = HUNDRED * share
        if share < Decimal("0.5"):
            alerts.append("education")
    if inputs.tickets_opened_30d > settings.ticket_threshold:
        alerts.append("escalation")
    if inputs.paid_payments_90d < inputs.payments_90d:
        alerts.append("retention_campaign")
    weights = {k: w for k, w in settings.weights.items() if k in components}
    total_weight = sum(weights.values(), Decimal(0))
    score = round_half_up(
        sum((components[k] * w for k, w in weights.items()), Decimal(0)) / total_weight, 1
    )
    band = (
        "green"
        if score >= settings.green_threshold
        else "yellow"
        if score >= settings.yellow_threshold
        else "red"
    )
    rounded = {k: round_half_up(v, 1) for k, v in components.items()}
    return Health(score, band, rounded, alerts)


def sizing_compute(data: dict[str, Any]) -> Sizing:
    """The beachhead table for inputs (Rogers' groups by default)."""
    groups = [
        (key, Decimal(str(share)))
        for key, share in (data.get("groups") or [(k, str(v)) for k, v in ROGERS_GROUPS])
    ]
    return beachhead_sizing(
        market_customers=data["market_customers"],
        average_arr=Decimal(str(data["average_arr"])),
        groups=groups,
        targeted=list(data["targeted_groups"]),
        market_shares=[Decimal(str(s)) for s in data["market_shares"]],
    )


def sizing_table(sizing: Sizing) -> dict[str, Any]:
    """The table as JSON-ready data (decimals as strings, as money is in the API)."""
    return {
        "groups": [
            {
                "key": g.key,
                "share": str(g.share),
                "customers": str(g.customers),
                "customers_rounded": str(g.customers_rounded),
                "arr_potential": str(g.arr_potential),
                "arr_at_share": {k: str(v) for k, v in g.arr_at_share.items()},
            }
            for g in sizing.groups
        ],
        "total_customers": str(sizing.total_customers),
        "total_arr_potential": str(sizing.total_arr_potential),
        "total_arr_at_share": {k: str(v) for k, v in sizing.total_arr_at_share.items()},
    }


def saved_sizing_table(sizing: MarketSizing) -> dict[str, Any]:
    return sizing_table(
        sizing_compute(
            {
                "market_customers": sizing.market_customers,
                "average_arr": sizing.average_arr,
                "groups": sizing.groups,
                "targeted_groups": sizing.targeted_groups,
                "market_shares": sizing.market_shares,
            }
        )
    )
