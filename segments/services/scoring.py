"""Write use-cases of segment scoring: a tenant's default scoring model."""

from __future__ import annotations

from segments.calculators import DEFAULT_CRITERIA
from segments.models import ScoringModel


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
