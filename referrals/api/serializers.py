"""Serializers of referral programs, links, referrals and rewards."""

from rest_framework import serializers

from customers.models import Customer
from flywheel.core import fields as core_fields
from flywheel.core.serializers import ModelSerializer, Serializer, TenantPrimaryKeyRelatedField
from referrals.models import Referral, ReferralLink, ReferralProgram, RejectionReason, Reward
from referrals.services.links import public_url


class ReferralProgramSerializer(ModelSerializer):
    currency = serializers.SerializerMethodField()

    class Meta:
        model = ReferralProgram
        fields = [
            "id",
            "name",
            "landing_url",
            "active",
            "is_default",
            "referrer_reward_kind",
            "referrer_reward_amount",
            "referee_reward_kind",
            "referee_reward_amount",
            "currency",
            "qualification",
            "min_payment_amount",
            "attribution_window_days",
            "max_rewards_per_referrer",
            "holding_days",
            "created_at",
        ]
        read_only_fields = ["id", "currency", "created_at"]

    def get_currency(self, program) -> str:
        tenant = self.context.get("tenant")
        return tenant.currency if tenant is not None else ""


class ReferralLinkSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()
    customer = serializers.PrimaryKeyRelatedField(source="referrer", read_only=True)
    clicks = serializers.IntegerField(source="clicks_count", read_only=True, default=0)
    referrals = serializers.IntegerField(source="referrals_count", read_only=True, default=0)
    qualified_referrals = serializers.IntegerField(
        source="qualified_count", read_only=True, default=0
    )

    class Meta:
        model = ReferralLink
        fields = [
            "id",
            "customer",
            "program",
            "code",
            "url",
            "active",
            "clicks",
            "referrals",
            "qualified_referrals",
            "created_at",
        ]
        read_only_fields = ["id", "customer", "program", "code", "url", "created_at"]

    def get_url(self, link) -> str:
        return public_url(link.code)


class ReferralLinkCreateSerializer(ModelSerializer):
    # The manager (not a queryset) is resolved per request, inside the tenant scope.
    customer = TenantPrimaryKeyRelatedField(source="referrer", queryset=Customer.objects)
    force_new = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text="Replace the referrer's active link with a new code (the old one stops).",
    )

    class Meta:
        model = ReferralLink
        fields = ["customer", "program", "force_new"]


class ReferralSerializer(ModelSerializer):
    rejection_reason = core_fields.NullableChoiceField(
        choices=RejectionReason.choices, read_only=True, help_text="Null unless rejected."
    )
    fraud_signals = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "program",
            "link",
            "referrer",
            "referee",
            "status",
            "rejection_reason",
            "fraud_signals",
            "clicked_at",
            "attributed_at",
            "qualified_at",
            "closed_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(Serializer):
    code = serializers.CharField(max_length=32)
    referee = serializers.IntegerField(help_text="The referred customer's id.")


class RewardSerializer(ModelSerializer):
    class Meta:
        model = Reward
        fields = [
            "id",
            "referral",
            "recipient",
            "side",
            "kind",
            "amount",
            "currency",
            "status",
            "needs_manual_approval",
            "approve_after",
            "void_reason",
            "created_at",
            "approved_at",
            "issued_at",
            "voided_at",
        ]
        read_only_fields = fields


class RewardVoidSerializer(Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
