"""Personal data webhooks holds about a customer: emails sent to it, webhooks about it."""

from flywheel.core.personal_data import section
from webhooks.models import SentEmail, WebhookDelivery


@section("emails")
def emails(customer) -> list[dict]:
    return list(
        SentEmail.objects.filter(customer=customer)
        .order_by("created_at", "pk")
        .values("kind", "to_address", "subject", "status", "reason", "created_at", "sent_at")
    )


@section("webhook_deliveries")
def webhook_deliveries(customer) -> list[dict]:
    return list(
        WebhookDelivery.objects.filter(customer_id=customer.pk)
        .order_by("created_at", "pk")
        .values(
            "webhook_id",
            "event_type",
            "endpoint__url",
            "payload",
            "status",
            "attempts",
            "created_at",
            "delivered_at",
        )
    )
