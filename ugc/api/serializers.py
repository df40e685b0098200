"""Serializers of UGC requests and rules, and of the public submission."""

from rest_framework import serializers

from flywheel.core import fields as core_fields
from flywheel.core.serializers import ModelSerializer, Serializer
from ugc.models import UGCKind, UGCRequest, UGCRule
from ugc.services.requests import public_url


class UGCRuleSerializer(ModelSerializer):
    class Meta:
        model = UGCRule
        fields = [
            "id",
            "trigger",
            "request_kind",
            "threshold",
            "window_days",
            "cooldown_days",
            "reminder_days",
            "expiry_days",
            "active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class UGCRequestSerializer(ModelSerializer):
    public_url = serializers.SerializerMethodField()
    media_url = core_fields.NullableURLField(read_only=True)
    published_url = core_fields.NullableURLField(read_only=True)

    class Meta:
        model = UGCRequest
        fields = [
            "id",
            "customer",
            "kind",
            "trigger",
            "rule",
            "source_event",
            "status",
            "channel",
            "token",
            "public_url",
            "prompt",
            "due_at",
            "remind_at",
            "reminders_sent",
            "text",
            "rating",
            "media_url",
            "consent",
            "submitted_at",
            "moderation_note",
            "decided_at",
            "published_url",
            "published_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_public_url(self, request) -> str:
        return public_url(request.token, request.tenant)


class UGCRequestCreateSerializer(ModelSerializer):
    prompt = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    class Meta:
        model = UGCRequest
        fields = ["customer", "kind", "prompt"]


class ModerationSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PublishSerializer(Serializer):
    published_url = core_fields.WebURLField(required=False, allow_blank=True, max_length=500)


class PublicRequestSerializer(Serializer):
    """What the customer sees: the ask, and nothing else about them or the tenant."""

    tenant_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UGCKind.choices)
    prompt = serializers.CharField()
    due_at = core_fields.DateTimeField()
    status = serializers.CharField()


class PublicSubmissionSerializer(Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    media_url = core_fields.WebURLField(required=False, allow_blank=True, max_length=500)
    consent = serializers.BooleanField(required=False, default=False)
    decline = serializers.BooleanField(required=False, default=False)
