"""Domain-event handlers of UGC (idempotent)."""

from customers.models import EventKind
from flywheel.core import events
from flywheel.core.tenancy import get_current_tenant
from ugc.services.automation import ugc_requests_from_events, ugc_rules_ensure_defaults

TRIGGER_KINDS = {
    EventKind.NPS,
    EventKind.SUPPORT_TICKET,
    EventKind.MILESTONE,
    EventKind.FEATURE_USED,
    EventKind.COMMUNITY,
}


@events.handler("tenant.created")
def on_tenant_created(event) -> None:
    """A tenant starts with the five default rules."""
    ugc_rules_ensure_defaults(tenant=get_current_tenant())


@events.handler("events.ingested")
def on_events_ingested(event) -> None:
    """Ask happy customers for content when an ingested event triggers a rule."""
    if TRIGGER_KINDS & set(event.payload.get("kinds", {})):
        ugc_requests_from_events(tenant=get_current_tenant(), event_ids=event.payload["event_ids"])
