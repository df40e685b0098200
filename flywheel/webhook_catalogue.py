"""The `webhooks` section of the OpenAPI document: every event type a partner can receive,
with its payload, built from the catalogue the apps declare (`flywheel.core.catalogue`).

Each message is `{type, timestamp, tenant, data}` with the Standard Webhooks headers
(`webhook-id`, `webhook-timestamp`, `webhook-signature`); see docs/api.md for verifying.
"""

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema, inline_serializer
from rest_framework import serializers

from flywheel.core.catalogue import event_types


def _name(event_name: str) -> str:
    return "".join(part.capitalize() for part in event_name.replace(".", "_").split("_"))


def _webhook(event) -> OpenApiWebhook:
    data = inline_serializer(name=f"{_name(event.name)}Data", fields=dict(event.fields))
    body = inline_serializer(
        name=f"{_name(event.name)}Message",
        fields={
            "type": serializers.ChoiceField(choices=[event.name]),
            "timestamp": serializers.DateTimeField(),
            "tenant": serializers.CharField(help_text="The tenant's slug."),
            "data": data,
        },
    )
    return OpenApiWebhook(
        name=event.name,
        decorator=extend_schema(
            summary=event.description,
            description=event.description
            + " Signed with the Standard Webhooks headers; the `webhook-id` stays the same "
            "across retries.",
            request=body,
            responses={200: OpenApiResponse(description="Any 2xx acknowledges the message.")},
        ),
    )


def webhooks() -> list[OpenApiWebhook]:
    return [_webhook(event) for event in event_types()]


WEBHOOKS = webhooks()
