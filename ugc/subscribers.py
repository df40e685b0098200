"""Domain-event subscribers of UGC."""

from customers.event_facts import facts_of
from customers.models import EventKind
from flywheel.core.subscribers import subscriber
from flywheel.core.tenancy import require_current_tenant
from ugc.services.automation import ugc_requests_from_events, ugc_rules_ensure_defaults

TRIGGER_KINDS = {
    EventKind.NPS,
    EventKind.SUPPORT_TICKET,
    EventKind.MILESTONE,
    EventKind.FEATURE_USED,
    EventKind.COMMUNITY,
}


@subscriber("ugc.default_rules", on="tenant.created")
def default_rules(events) -> None:
    """A tenant starts with the five default rules."""
    ugc_rules_ensure_defaults(tenant=require_current_tenant())


@subscriber("ugc.requests_from_events", on="events.ingested")
def requests_from_events(events) -> None:
    """Ask happy customers for content when an ingested event triggers a rule."""
    facts = [f for f in facts_of(events) if f.kind in TRIGGER_KINDS]
    if facts:
        ugc_requests_from_events(tenant=require_current_tenant(), events=facts)
