"""Domain-event subscribers of webhooks: deliveries to partners and emails to customers.

Two subscribers, so an email outage never holds up partners' webhooks and the reverse."""

from flywheel.core.subscribers import subscriber
from flywheel.core.tenancy import require_current_tenant
from webhooks.emails import EMAIL_EVENTS, emails_queue
from webhooks.services import deliveries_create


@subscriber("webhooks.deliver", on="*")
def deliver(events) -> None:
    """Every event goes to the tenant's active endpoints subscribed to its type."""
    deliveries_create(tenant=require_current_tenant(), events=events)


@subscriber("webhooks.email", on=EMAIL_EVENTS)
def email(events) -> None:
    """UGC requests, reminders, referral invitations and issued rewards are emailed."""
    emails_queue(tenant=require_current_tenant(), events=events)
