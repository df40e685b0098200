"""Serializers of customers, stage changes, events and the bulk endpoints."""

from datetime import datetime

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from customers.lifecycle import Phase, Stage
from customers.models import Customer, CustomerErasure, Event, EventKind, HealthBand
from flywheel.core import fields as core_fields
from flywheel.core.serializers import ModelSerializer, Serializer

CUSTOMER_FIELDS = [
    "id",
    "external_id",
    "email",
    "name",
    "stage",
    "phase",
    "acquisition_channel",
    "referred_by",
    "mrr",
    "nps_score",
    "health_score",
    "health_band",
    "health_components",
    "health_alerts",
    "health_band_since",
    "became_customer_at",
    "churned_at",
    "last_seen_at",
    "attributes",
    "tags",
    "created_at",
    "updated_at",
]
DERIVED_FIELDS = [
    "id",
    "phase",
    "nps_score",
    "last_seen_at",
    "updated_at",
]


class TagsField(serializers.ListField):
    """At most 50 tags of 1 to 64 characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=64))
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)


class CustomerSerializer(ModelSerializer):
    """A customer as read, and as written by PATCH/PUT (history is set on create only)."""

    phase = serializers.ChoiceField(choices=Phase.choices, read_only=True)
    health_score = serializers.SerializerMethodField(help_text="0..100; null before scoring.")
    health_band = serializers.SerializerMethodField(help_text="`green`, `yellow`, `red` or ''.")
    health_components = serializers.SerializerMethodField(
        help_text="Each component's score (the reason for the band)."
    )
    health_alerts = serializers.SerializerMethodField(help_text="Alerts active now.")
    health_band_since = serializers.SerializerMethodField(
        help_text="When the customer entered its current band (null before scoring)."
    )
    tags = TagsField(required=False)
    attributes = core_fields.JSONObjectField(required=False, help_text="Free-form; 16 KiB.")
    changed_at = core_fields.DateTimeField(
        write_only=True, required=False, help_text="When a `stage` change happened (default now)."
    )

    class Meta:
        model = Customer
        fields = [*CUSTOMER_FIELDS, "changed_at"]
        read_only_fields = [*DERIVED_FIELDS, "created_at", "became_customer_at", "churned_at"]
        extra_kwargs = {"external_id": {"required": False}}

    # Health lives in CustomerHealth (`customer.health`, absent before scoring).
    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_health_score(self, customer) -> str | None:
        health = customer.current_health
        return None if health is None else f"{health.score:.1f}"

    @extend_schema_field(serializers.ChoiceField(choices=[*HealthBand.values, ""]))
    def get_health_band(self, customer) -> str:
        health = customer.current_health
        return "" if health is None else health.band

    def get_health_components(self, customer) -> dict[str, float]:
        health = customer.current_health
        return {} if health is None else health.components

    def get_health_alerts(self, customer) -> list[str]:
        health = customer.current_health
        return [] if health is None else health.alerts

    def get_health_band_since(self, customer) -> datetime | None:
        health = customer.current_health
        return None if health is None else health.band_since

    def validate_external_id(self, value):
        return value or None  # "" is no external id, not one shared by every such customer

    def validate(self, attrs):
        if "changed_at" in attrs and "stage" not in attrs:
            raise serializers.ValidationError({"changed_at": ["Only with a `stage` change."]})
        return attrs


class CustomerCreateSerializer(CustomerSerializer):
    """Create: historical timestamps may be imported, and a referral code handed over."""

    referral_code = serializers.CharField(write_only=True, required=False, max_length=64)
    signup_ip = serializers.IPAddressField(
        write_only=True,
        required=False,
        help_text="The signing-up person's IP as your frontend saw it (never yours); hashed.",
    )
    signup_user_agent = serializers.CharField(write_only=True, required=False, max_length=512)

    class Meta(CustomerSerializer.Meta):
        fields = [*CUSTOMER_FIELDS, "referral_code", "signup_ip", "signup_user_agent"]
        read_only_fields = DERIVED_FIELDS
        extra_kwargs = {
            "created_at": {"required": False},
            "became_customer_at": {"required": False},
            "churned_at": {"required": False},
        }


class CustomerBulkItemSerializer(CustomerCreateSerializer):
    """One item of `customers/bulk/`: keyed by `external_id` (required)."""

    external_id = serializers.CharField(max_length=128)
    referred_by = serializers.IntegerField(required=False, allow_null=True)  # resolved in bulk
    changed_at = core_fields.DateTimeField(write_only=True, required=False)

    class Meta(CustomerCreateSerializer.Meta):
        fields = [*CustomerCreateSerializer.Meta.fields, "changed_at"]
        validators: list = []  # uniqueness is the upsert's key, not an error

    def validate(self, attrs):
        return attrs


class CustomerBulkSerializer(Serializer):
    customers = CustomerBulkItemSerializer(many=True, help_text="At most 1,000.")


class BulkItemErrorSerializer(Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class CustomerBulkResultSerializer(Serializer):
    index = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "rejected"])
    id = serializers.IntegerField(required=False)
    errors = BulkItemErrorSerializer(many=True, required=False)


class CustomerBulkResponseSerializer(Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = CustomerBulkResultSerializer(many=True)


class EventSerializer(ModelSerializer):
    """An event as stored; `id` is the sender's idempotency key."""

    id = serializers.CharField(source="sender_id", read_only=True)
    customer_external_id = serializers.CharField(
        source="customer.external_id", read_only=True, allow_null=True
    )
    properties = serializers.DictField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "customer",
            "customer_external_id",
            "kind",
            "occurred_at",
            "value",
            "properties",
            "received_at",
        ]
        read_only_fields = fields


class EventInSerializer(Serializer):
    """An incoming event (documentation of the shape; validated by customers.event_rules)."""

    id = serializers.CharField(
        required=False, max_length=128, help_text="Your idempotency key (generated when absent)."
    )
    customer = serializers.IntegerField(required=False, help_text="Our customer id, or ...")
    customer_external_id = serializers.CharField(
        required=False, max_length=128, help_text="... your external id."
    )
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = core_fields.DateTimeField(required=False, help_text="Default now; not future.")
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    properties = serializers.DictField(required=False)


class EventBulkSerializer(Serializer):
    events = EventInSerializer(many=True, help_text="At most 1,000.")
    create_missing_customers = serializers.BooleanField(
        default=False,
        help_text="Create a lead for an unknown `customer_external_id` (a key or token then "
        "also needs `customers:write`).",
    )


class EventBulkResultSerializer(Serializer):
    index = serializers.IntegerField()
    id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"])
    errors = BulkItemErrorSerializer(many=True, required=False)


class EventBulkResponseSerializer(Serializer):
    created = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = EventBulkResultSerializer(many=True)


class TimelineEventSerializer(Serializer):
    id = serializers.CharField(help_text="The event's sender id.")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    properties = serializers.DictField()


class TimelineStageChangeSerializer(Serializer):
    from_stage = serializers.ChoiceField(choices=Stage.choices, allow_null=True)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    changed_by_user = serializers.IntegerField(allow_null=True)
    changed_by_api_key = serializers.IntegerField(allow_null=True)


_TIMELINE_DATA = {"event": TimelineEventSerializer, "stage_change": TimelineStageChangeSerializer}


class TimelineEntrySerializer(Serializer):
    type = serializers.ChoiceField(choices=list(_TIMELINE_DATA))
    at = serializers.DateTimeField(read_only=True)
    data = serializers.SerializerMethodField()

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="TimelineData",
            serializers=list(_TIMELINE_DATA.values()),
            resource_type_field_name=None,
        )
    )
    def get_data(self, entry) -> dict:
        return _TIMELINE_DATA[entry["type"]](entry["data"]).data


class TimelineSerializer(Serializer):
    results = TimelineEntrySerializer(many=True)
    next_before = serializers.DateTimeField(allow_null=True, read_only=True)


class PersonalDataExportSerializer(Serializer):
    """Everything held about one customer, by the app section that holds it."""

    customer_id = serializers.IntegerField(read_only=True)
    exported_at = serializers.DateTimeField(read_only=True)
    sections = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Rows per section: customer, stage_changes, events, health, health_changes, "
        "health_alerts, referral_links, referrals, rewards, ugc_requests, emails, "
        "webhook_deliveries. Other people appear by id only.",
    )


class CustomerErasureSerializer(ModelSerializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Rows changed per part."
    )

    class Meta:
        model = CustomerErasure
        fields = [
            "id",
            "customer",
            "status",
            "requested_by",
            "counts",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields
