"""Serializers of KPI definitions, snapshots, the flywheel view, spend, thresholds, alerts."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.kpis import CHANNELS as Channel
from flywheel.core import fields as core_fields
from flywheel.core.serializers import ModelSerializer, Serializer
from metrics.models import AcquisitionSpend, KpiAlert, KpiJob, KpiSnapshot, KpiThreshold
from metrics.periods import GRANULARITIES, count_periods
from metrics.registry import BY_KEY, GOOD_CHOICES, PHASES, UNIT_CHOICES
from metrics.services.jobs import MAX_PERIODS


class KpiDefinitionSerializer(Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    phase = serializers.ChoiceField(choices=PHASES)
    unit = serializers.ChoiceField(choices=UNIT_CHOICES)
    good = serializers.ChoiceField(choices=GOOD_CHOICES)
    formula = serializers.CharField()


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A KPI value as stored: an integer for counts, a decimal number otherwise, or null."""

    def to_representation(self, value):
        return value


class KpiSnapshotSerializer(ModelSerializer):
    values = serializers.SerializerMethodField()
    inputs = serializers.DictField(
        child=NumberField(allow_null=True),
        read_only=True,
        help_text="The counts and sums the KPIs came from (null: unknown, e.g. no spend).",
    )

    class Meta:
        model = KpiSnapshot
        fields = [
            "id",
            "granularity",
            "period_start",
            "period_end",
            "starts_at",
            "ends_at",
            "as_of",
            "complete",
            "values",
            "inputs",
            "computed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": ["number", "null"]},
            "description": "KPI key -> value (null: undefined, e.g. a zero denominator).",
        }
    )
    def get_values(self, snapshot) -> dict[str, float | None]:
        chosen = self.context.get("kpis")
        if not chosen:
            return snapshot.values
        return {key: snapshot.values.get(key) for key in chosen}


class LatestSnapshotsSerializer(Serializer):
    """The newest snapshot of each granularity (null before the first)."""

    day = KpiSnapshotSerializer(allow_null=True)
    week = KpiSnapshotSerializer(allow_null=True)
    month = KpiSnapshotSerializer(allow_null=True)
    quarter = KpiSnapshotSerializer(allow_null=True)


class FlywheelKpiSerializer(Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.ChoiceField(choices=UNIT_CHOICES)
    good = serializers.ChoiceField(choices=GOOD_CHOICES)
    value = NumberField(allow_null=True)
    previous = NumberField(allow_null=True)
    change = NumberField(allow_null=True, help_text="value - previous.")
    trend = serializers.ChoiceField(choices=["up", "down", "flat"], allow_null=True)
    assessment = serializers.ChoiceField(
        choices=["good", "bad", "neutral"],
        allow_null=True,
        help_text="Whether the trend is the KPI's good direction.",
    )


class FlywheelSerializer(Serializer):
    granularity = serializers.CharField()
    period_start = core_fields.DateField(allow_null=True)
    period_end = core_fields.DateField(allow_null=True)
    previous_period_start = core_fields.DateField(allow_null=True)
    as_of = core_fields.DateTimeField(allow_null=True)
    complete = serializers.BooleanField(allow_null=True)
    attract = FlywheelKpiSerializer(many=True)
    engage = FlywheelKpiSerializer(many=True)
    delight = FlywheelKpiSerializer(many=True)
    overall = FlywheelKpiSerializer(many=True)


class RangeSerializer(Serializer):
    granularity = serializers.ChoiceField(choices=GRANULARITIES)
    since = core_fields.DateField()
    until = core_fields.DateField()

    def validate(self, attrs):
        if attrs["until"] < attrs["since"]:
            raise serializers.ValidationError({"until": ["Must not be before `since`."]})
        count = count_periods(attrs["granularity"], attrs["since"], attrs["until"])
        if count > MAX_PERIODS:
            raise serializers.ValidationError(
                {"since": [f"At most {MAX_PERIODS} periods per job ({count} asked)."]}
            )
        return attrs


class KpiJobSerializer(ModelSerializer):
    class Meta:
        model = KpiJob
        fields = [
            "id",
            "granularity",
            "since",
            "until",
            "status",
            "total",
            "done",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class CohortSerializer(Serializer):
    channel = serializers.CharField()
    customers_end = serializers.IntegerField()
    churn_rate = serializers.FloatField(allow_null=True)
    nrr = serializers.FloatField(allow_null=True)
    avg_health_score = serializers.FloatField(allow_null=True)
    clv = serializers.FloatField(allow_null=True)
    revenue = serializers.FloatField()


class CohortsSerializer(Serializer):
    by = serializers.CharField()
    granularity = serializers.CharField()
    period_start = core_fields.DateField()
    period_end = core_fields.DateField()
    as_of = core_fields.DateTimeField(
        help_text="The instant the figures run to: the snapshot's `as_of`, else the period's "
        "end or the time of the request."
    )
    cohorts = CohortSerializer(many=True)


class AcquisitionSpendSerializer(ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))

    class Meta:
        model = AcquisitionSpend
        fields = ["id", "period_start", "period_end", "channel", "amount", "note", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"period_end": ["Must not be before period_start."]})
        return attrs


class KpiThresholdSerializer(ModelSerializer):
    threshold = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal("0.0001")
    )

    class Meta:
        model = KpiThreshold
        fields = ["id", "kpi", "mode", "threshold", "absolute_threshold", "active", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"absolute_threshold": {"min_value": Decimal("0.0001")}}

    def validate_kpi(self, value: str) -> str:
        kpi = BY_KEY.get(value)
        if kpi is None:
            raise serializers.ValidationError("Not a KPI key (see kpis/definitions/).")
        if kpi.good == "neutral":
            raise serializers.ValidationError("This KPI has no bad direction.")
        queryset = KpiThreshold.objects.filter(kpi=value)
        if self.instance is not None:
            queryset = queryset.exclude(pk=self.instance.pk)
        if queryset.exists():
            raise serializers.ValidationError("This KPI has a threshold already.")
        return value


class KpiAlertSerializer(ModelSerializer):
    class Meta:
        model = KpiAlert
        fields = [
            "id",
            "kpi",
            "granularity",
            "period_start",
            "previous_value",
            "value",
            "change",
            "relative_change",
            "mode",
            "threshold",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
        ]
        read_only_fields = fields
