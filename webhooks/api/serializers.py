"""Serializers of webhook endpoints, their deliveries, and email settings."""

from rest_framework import serializers

from flywheel.core.catalogue import event_types
from flywheel.core.serializers import ModelSerializer, Serializer
from webhooks.models import EmailSettings, WebhookDelivery, WebhookEndpoint


def _type_choices():
    return [t.name for t in event_types() if t.name != "webhook.ping"]


class WebhookEndpointSerializer(ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=100,
        help_text="Event types to receive (see the `webhooks` section of this schema); empty "
        "or absent: every type.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "active",
            "failure_count",
            "failing_since",
            "disabled_reason",
            "disabled_at",
            "previous_secret_expires_at",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "failure_count",
            "failing_since",
            "disabled_reason",
            "disabled_at",
            "previous_secret_expires_at",
            "created_at",
        ]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="`whsec_` + base64: shown once (null on an `Idempotency-Key` replay).",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class RotateSecretSerializer(Serializer):
    overlap_hours = serializers.IntegerField(
        min_value=0,
        max_value=168,
        default=24,
        help_text="How long the old secret keeps signing beside the new one.",
    )


class WebhookDeliverySerializer(ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_type",
            "webhook_id",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_response",
            "last_error",
            "last_duration_ms",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields

    payload = serializers.DictField(read_only=True)


class EmailSettingsSerializer(ModelSerializer):
    class Meta:
        model = EmailSettings
        fields = [
            "sender_name",
            "reply_to",
            "ugc_request",
            "ugc_reminder",
            "referral_invitation",
            "reward_issued",
        ]
