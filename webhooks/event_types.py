"""The events the webhooks app emits (catalogue: flywheel.core.catalogue)."""

from rest_framework import serializers as f

from flywheel.core.catalogue import event_type

event_type(
    "webhook.ping",
    "A test message sent by `webhook-endpoints/{id}/test/` (not a domain event).",
    endpoint_id=f.IntegerField(),
    message=f.CharField(),
)
event_type(
    "webhook_endpoint.disabled",
    "An endpoint was disabled: it answered 410 Gone, or failed for days.",
    endpoint_id=f.IntegerField(),
    url=f.URLField(),
    reason=f.CharField(),
)
