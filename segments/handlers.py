"""Domain-event handlers of segments (idempotent)."""

from flywheel.core import events
from flywheel.core.tenancy import get_current_tenant
from segments.health import health_recompute
from segments.scoring import scoring_model_ensure_default


@events.handler("tenant.created")
def on_tenant_created(event) -> None:
    """A new tenant gets the default scoring model."""
    scoring_model_ensure_default(tenant=get_current_tenant())


@events.handler("events.ingested")
def on_events_ingested(event) -> None:
    """The customers whose events arrived get their health recomputed right away."""
    health_recompute(tenant=get_current_tenant(), customer_ids=event.payload["customer_ids"])
