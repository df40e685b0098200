"""Domain-event subscribers of segments."""

from customers.event_facts import customer_ids_of
from flywheel.core.subscribers import subscriber
from flywheel.core.tenancy import require_current_tenant
from segments.services.health import health_recompute
from segments.services.scoring import scoring_model_ensure_default


@subscriber("segments.default_scoring_model", on="tenant.created")
def default_scoring_model(events) -> None:
    """A new tenant gets the default scoring model."""
    scoring_model_ensure_default(tenant=require_current_tenant())


@subscriber("segments.health_after_events", on="events.ingested")
def health_after_events(events) -> None:
    """The customers whose events arrived get their health recomputed right away."""
    health_recompute(tenant=require_current_tenant(), customer_ids=customer_ids_of(events))
