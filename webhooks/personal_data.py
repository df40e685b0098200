"""Personal data webhooks holds about a customer: emails sent to it, webhooks about it."""

from flywheel.core.personal_data import eraser, fields, scrub_rows, section
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


@eraser("webhooks")
def erase_webhooks(customer, markers: list[str]) -> int:
    """Emails keep their kind, status and times; deliveries their type, status and times."""
    emails_sent = SentEmail.objects.filter(customer=customer)
    changed = scrub_rows(emails_sent, ["subject", "last_error", "reason"], markers)
    changed += emails_sent.update(to_address="")
    # every delivery of the tenant: a payload can name the person without being about them
    changed += scrub_rows(
        WebhookDelivery.objects.all(), ["payload", "last_response", "last_error"], markers
    )
    return changed


fields(
    "webhooks.WebhookEndpoint",
    none=(
        "url",
        "description",
        "event_types",
        "secret_encrypted",
        "previous_secret_encrypted",
        "disabled_reason",
    ),
)
fields(
    "webhooks.WebhookDelivery",
    copies=("payload", "last_response", "last_error"),
    none=("event_type", "webhook_id", "status"),
)
fields("webhooks.EmailSettings", none=("sender_name", "reply_to"))
fields(
    "webhooks.SentEmail",
    customer=("to_address",),
    copies=("subject", "reason", "last_error"),
    none=("kind", "status"),
)
