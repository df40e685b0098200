"""Serializers of scoring models, market segments, sizing, the health model and segments."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from flywheel.core import fields as core_fields
from flywheel.core.serializers import ModelSerializer, Serializer, WholeValueSerializer
from segments.calculators import ROGERS_GROUPS, saved_sizing_table, weights_problem
from segments.models import (
    CustomerSegment,
    HealthModel,
    MarketSegment,
    MarketSizing,
    ScoringModel,
)

COMPONENTS = ("login_frequency", "feature_usage", "support_tickets", "payment_history")


class CriterionSerializer(WholeValueSerializer):
    key = serializers.SlugField(max_length=50)
    label = serializers.CharField(max_length=100)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"))


class ScoringModelSerializer(ModelSerializer):
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = ScoringModel
        fields = ["id", "name", "criteria", "scale_min", "scale_max", "is_default", "created_at"]
        read_only_fields = ["id", "is_default", "created_at", "scale_min", "scale_max"]

    def validate_criteria(self, criteria):
        keys = [c["key"] for c in criteria]
        if not criteria or len(set(keys)) != len(keys):
            raise serializers.ValidationError("Give at least one criterion, each key once.")
        problem = weights_problem([c["weight"] for c in criteria])
        if problem:
            raise serializers.ValidationError(problem, code="weights_sum")
        return [{**c, "weight": str(c["weight"])} for c in criteria]


class MarketSegmentSerializer(ModelSerializer):
    ratings = serializers.DictField(child=serializers.IntegerField())
    score = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()

    class Meta:
        model = MarketSegment
        fields = ["id", "name", "description", "model", "ratings", "score", "rank", "created_at"]
        read_only_fields = ["id", "score", "rank", "created_at"]

    def validate(self, attrs):
        model = attrs.get("model") or getattr(self.instance, "model", None)
        ratings = attrs.get("ratings", getattr(self.instance, "ratings", None))
        expected = set(model.weights)
        errors = {}
        if set(ratings) != expected:
            missing, extra = sorted(expected - set(ratings)), sorted(set(ratings) - expected)
            errors["ratings"] = [
                f"Rate exactly the model's criteria; missing {missing}, unknown {extra}."
            ]
        else:
            bad = {k: v for k, v in ratings.items() if not model.scale_min <= v <= model.scale_max}
            if bad:
                errors["ratings"] = [
                    f"Ratings lie on {model.scale_min}..{model.scale_max}: {sorted(bad)}."
                ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True))
    def get_score(self, segment) -> str | None:
        found = self.context.get("scores", {}).get(segment.pk)
        return f"{found[0]:.2f}" if found else None

    def get_rank(self, segment) -> int | None:
        found = self.context.get("scores", {}).get(segment.pk)
        return found[1] if found else None


class RankingEntrySerializer(Serializer):
    rank = serializers.IntegerField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.DecimalField(max_digits=4, decimal_places=2)


class SizingInputSerializer(Serializer):
    market_customers = serializers.IntegerField(min_value=1)
    average_arr = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    groups = serializers.ListField(
        child=serializers.ListField(min_length=2, max_length=2),
        required=False,
        help_text="[[key, percent], ...]; default Rogers' five groups.",
    )
    targeted_groups = serializers.ListField(child=serializers.CharField(), min_length=1)
    market_shares = serializers.ListField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
        min_length=1,
    )

    def validate(self, attrs):
        groups = attrs.get("groups") or [[k, str(v)] for k, v in ROGERS_GROUPS]
        try:
            normalized = [[str(key), str(Decimal(str(share)))] for key, share in groups]
        except Exception as error:
            raise serializers.ValidationError({"groups": ["[[key, percent], ...]"]}) from error
        total = sum((Decimal(share) for _, share in normalized), Decimal(0))
        if total != 100:
            raise serializers.ValidationError(
                {"groups": [f"The adoption groups split the whole market: 100 %, not {total} %."]},
                code="groups_sum",
            )
        keys = {key for key, _ in normalized}
        unknown = sorted(set(attrs["targeted_groups"]) - keys)
        if unknown:
            raise serializers.ValidationError({"targeted_groups": [f"Unknown groups {unknown}."]})
        attrs["groups"] = normalized
        attrs["market_shares"] = [str(s) for s in attrs["market_shares"]]
        return attrs


class SizingTableSerializer(Serializer):
    groups = serializers.ListField(child=serializers.DictField())
    total_customers = serializers.CharField()
    total_arr_potential = serializers.CharField()
    total_arr_at_share = serializers.DictField()


class MarketSizingSerializer(ModelSerializer):
    table = serializers.SerializerMethodField()
    groups = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        required=False,
        max_length=20,
        help_text="[[key, percent], ...]; default Rogers' five groups.",
    )
    targeted_groups = serializers.ListField(
        child=serializers.CharField(max_length=50), min_length=1, max_length=20
    )
    market_shares = serializers.ListField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
        min_length=1,
        max_length=20,
        help_text="Percent, e.g. [25, 50, 70].",
    )

    class Meta:
        model = MarketSizing
        fields = [
            "id",
            "name",
            "market_customers",
            "average_arr",
            "groups",
            "targeted_groups",
            "market_shares",
            "table",
            "created_at",
        ]
        read_only_fields = ["id", "table", "created_at"]
        extra_kwargs = {"groups": {"required": False}}

    def validate(self, attrs):
        names = ("market_customers", "average_arr", "groups", "targeted_groups", "market_shares")
        checker = SizingInputSerializer(data={k: attrs[k] for k in names if attrs.get(k)})
        checker.is_valid(raise_exception=True)
        return {
            **attrs,
            **{
                k: checker.validated_data[k] for k in ("groups", "market_shares", "targeted_groups")
            },
        }

    def get_table(self, sizing) -> dict:
        return saved_sizing_table(sizing)


class HealthModelSerializer(ModelSerializer):
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    )
    key_features = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=100
    )

    class Meta:
        model = HealthModel
        fields = [
            "weights",
            "key_features",
            "target_logins_per_week",
            "ticket_threshold",
            "green_threshold",
            "yellow_threshold",
            "first_scoring_alerts",
            "computed_at",
        ]
        read_only_fields = ["computed_at"]

    def validate_weights(self, weights):
        if set(weights) != set(COMPONENTS):
            raise serializers.ValidationError(f"Give a weight for each of {list(COMPONENTS)}.")
        if sum(weights.values(), Decimal(0)) != 100:
            raise serializers.ValidationError("The weights sum to exactly 100.")
        return {k: str(v) for k, v in weights.items()}

    def validate(self, attrs):
        green = attrs.get("green_threshold", getattr(self.instance, "green_threshold", 70))
        yellow = attrs.get("yellow_threshold", getattr(self.instance, "yellow_threshold", 40))
        if not 0 <= yellow < green <= 100:
            raise serializers.ValidationError(
                {"green_threshold": ["Need 0 <= yellow < green <= 100."]}
            )
        if attrs.get("target_logins_per_week", 1) <= 0:
            raise serializers.ValidationError({"target_logins_per_week": ["Above 0."]})
        if attrs.get("ticket_threshold", 1) < 1:
            raise serializers.ValidationError({"ticket_threshold": ["At least 1."]})
        return attrs


class QueuedSerializer(Serializer):
    status = serializers.ChoiceField(choices=["queued"])


class CustomerSegmentSerializer(ModelSerializer):
    count = serializers.SerializerMethodField()
    filters = core_fields.JSONObjectField(
        help_text='The customers list\'s query parameters, e.g. `{"stage": ["customer"], '
        '"health_band": ["red"]}`; values are texts, numbers or lists of them.'
    )

    class Meta:
        model = CustomerSegment
        fields = ["id", "name", "description", "filters", "count", "created_at"]
        read_only_fields = ["id", "count", "created_at"]

    def validate_filters(self, filters):
        from segments.selectors import customer_segment_problem

        problems = customer_segment_problem(filters)
        if problems:
            raise serializers.ValidationError(problems)
        return filters

    def get_count(self, segment) -> int:
        from segments.selectors import customer_segment_counts

        counts = self.context.get("counts")
        if counts is None or segment.pk not in counts:
            counts = customer_segment_counts([segment])
        return counts[segment.pk]
