"""Domain-event handlers of referrals: qualification and closing the loop (idempotent)."""

from customers.lifecycle import PAYING_STAGES
from customers.models import Customer, Event, EventKind
from flywheel.core import events
from flywheel.core.tenancy import get_current_tenant
from referrals.services.links import referral_invite
from referrals.services.qualification import (
    referrals_qualify_by_payment,
    referrals_qualify_by_stage,
)

PROMOTER_SCORE = 9


@events.handler("events.ingested")
def on_events_ingested(event) -> None:
    """Payments may qualify referrals; promoters are invited to refer (seed 001)."""
    kinds = event.payload.get("kinds", {})
    if EventKind.PAYMENT in kinds:
        referrals_qualify_by_payment(customer_ids=event.payload["customer_ids"])
    if EventKind.NPS in kinds:
        promoter_ids = set(
            Event.objects.filter(
                pk__in=event.payload["event_ids"], kind=EventKind.NPS, value__gte=PROMOTER_SCORE
            ).values_list("customer_id", flat=True)
        )
        for customer in Customer.objects.filter(pk__in=promoter_ids):
            referral_invite(tenant=get_current_tenant(), customer=customer, reason="promoter")


@events.handler("customer.stage_changed")
def on_stage_changed(event) -> None:
    """Becoming a customer may qualify a referral with the `customer` rule."""
    if event.payload.get("to") in PAYING_STAGES:
        referrals_qualify_by_stage(customer_id=event.payload["customer_id"])
