"""Services and selectors of market segment scoring and beachhead sizing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from segments.calculators import (
    DEFAULT_CRITERIA,
    ROGERS_GROUPS,
    Sizing,
    beachhead_sizing,
    rank,
    segment_score,
)
from segments.models import MarketSegment, MarketSizing, ScoringModel


def scoring_model_ensure_default(*, tenant) -> ScoringModel:
    """The tenant's default model (DOMAIN's six criteria, 20/20/10/20/20/10), created once."""
    existing = ScoringModel.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    return ScoringModel.objects.create(
        tenant=tenant,
        name="Segment attractiveness (seed 004)",
        is_default=True,
        criteria=[{"key": k, "label": label, "weight": str(w)} for k, label, w in DEFAULT_CRITERIA],
    )


def segments_ranked(*, model: ScoringModel) -> list[tuple[MarketSegment, Decimal, int]]:
    """The model's segments with score and rank (score descending, ties by name)."""
    # all_tenants: the scoring model fixes the tenant (this also serves the admin).
    segments = list(MarketSegment.all_tenants.filter(model=model))
    by_name = {s.name: s for s in segments}
    scored = [(s.name, segment_score(model.weights, s.ratings)) for s in segments]
    return [(by_name[name], score, position) for name, score, position in rank(scored)]


def scores_for(segments) -> dict[int, tuple[Decimal, int]]:
    """segment id -> (score, rank) within its model, for the given segments' models."""
    result: dict[int, tuple[Decimal, int]] = {}
    for model in {s.model for s in segments}:
        for segment, score, position in segments_ranked(model=model):
            result[segment.pk] = (score, position)
    return result


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
