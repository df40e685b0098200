"""Filters of referral links, referrals and rewards (related objects by id, no look-up)."""

import django_filters as filters

from flywheel.core import filters as core_filters
from referrals.models import (
    Referral,
    ReferralLink,
    ReferralStatus,
    RejectionReason,
    Reward,
    RewardKind,
    RewardSide,
    RewardStatus,
)


class ReferralLinkFilterSet(core_filters.FilterSet):
    program = core_filters.IdFilter(field_name="program_id")
    referrer = core_filters.IdFilter(field_name="referrer_id")
    active = filters.BooleanFilter()

    class Meta:
        model = ReferralLink
        fields: list[str] = []


class ReferralFilterSet(core_filters.FilterSet):
    status = core_filters.ChoicesFilter(choices=ReferralStatus.choices)
    rejection_reason = filters.ChoiceFilter(choices=RejectionReason.choices)
    program = core_filters.IdFilter(field_name="program_id")
    referrer = core_filters.IdFilter(field_name="referrer_id")
    referee = core_filters.IdFilter(field_name="referee_id")
    link = core_filters.IdFilter(field_name="link_id")
    flagged = filters.BooleanFilter(method="filter_flagged", help_text="Has fraud signals.")
    attributed_after = core_filters.IsoDateTimeFilter(field_name="attributed_at", lookup_expr="gte")
    attributed_before = core_filters.IsoDateTimeFilter(field_name="attributed_at", lookup_expr="lt")

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_flagged(self, queryset, name, value):
        return queryset.exclude(fraud_signals=[]) if value else queryset.filter(fraud_signals=[])


class RewardFilterSet(core_filters.FilterSet):
    status = core_filters.ChoicesFilter(choices=RewardStatus.choices)
    side = filters.ChoiceFilter(choices=RewardSide.choices)
    kind = filters.ChoiceFilter(choices=RewardKind.choices)
    referral = core_filters.IdFilter(field_name="referral_id")
    recipient = core_filters.IdFilter(field_name="recipient_id")
    needs_manual_approval = filters.BooleanFilter()

    class Meta:
        model = Reward
        fields: list[str] = []
