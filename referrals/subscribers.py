"""Domain-event subscribers of referrals: qualification and closing the loop.

Each is its own subscriber, so one failing (say, inviting promoters) is retried alone and
never records the others' effects twice (`flywheel.core.subscribers`).
"""

from customers.event_facts import facts_of
from customers.lifecycle import PAYING_STAGES
from customers.models import Customer, EventKind
from flywheel.core.subscribers import subscriber
from flywheel.core.tenancy import require_current_tenant
from referrals.services.links import referral_invite
from referrals.services.qualification import (
    referrals_qualify_by_payment,
    referrals_qualify_by_stage,
)

PROMOTER_SCORE = 9


@subscriber("referrals.qualify_by_payment", on="events.ingested")
def qualify_by_payment(events) -> None:
    """A referee's qualifying payment qualifies its pending referral."""
    payers = sorted({f.customer_id for f in facts_of(events) if f.kind == EventKind.PAYMENT})
    if payers:
        referrals_qualify_by_payment(customer_ids=payers)


@subscriber("referrals.invite_promoters", on="events.ingested")
def invite_promoters(events) -> None:
    """Promoters (NPS 9-10) are invited to refer (seed 001)."""
    promoters = {
        f.customer_id
        for f in facts_of(events)
        if f.kind == EventKind.NPS and f.value is not None and f.value >= PROMOTER_SCORE
    }
    tenant = require_current_tenant()
    for customer in Customer.objects.filter(pk__in=promoters).order_by("pk"):
        referral_invite(tenant=tenant, customer=customer, reason="promoter")


@subscriber("referrals.invite_contributors", on="ugc_request.approved")
def invite_contributors(events) -> None:
    """A customer whose content was approved is happy: invite them to refer."""
    tenant = require_current_tenant()
    ids = {event.payload["customer_id"] for event in events}
    for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
        referral_invite(tenant=tenant, customer=customer, reason="ugc_approved")


@subscriber("referrals.qualify_by_stage", on="customer.stage_changed")
def qualify_by_stage(events) -> None:
    """Becoming a customer may qualify a referral with the `customer` rule."""
    for customer_id in sorted(
        {e.payload["customer_id"] for e in events if e.payload.get("to") in PAYING_STAGES}
    ):
        referrals_qualify_by_stage(customer_id=customer_id)
