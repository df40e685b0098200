"""Write use-cases of segments: customer health (recompute, daily summary), scoring models."""

from segments.services.health import health_model_get, health_recompute, health_summary_write
from segments.services.scoring import scoring_model_ensure_default

__all__ = [
    "health_model_get",
    "health_recompute",
    "health_summary_write",
    "scoring_model_ensure_default",
]
