"""Admin for support staff: programs, links, referrals (with rejection reasons), rewards."""

from django.contrib import admin

from flywheel.core.admin import TenantOwnedAdmin, each_in_tenant_scope, staff_action
from flywheel.core.errors import ConflictError
from referrals import selectors
from referrals.models import Referral, ReferralLink, ReferralProgram, Reward
from referrals.services import rewards


@admin.register(ReferralProgram)
class ReferralProgramAdmin(TenantOwnedAdmin):
    list_display = (
        "name",
        "tenant",
        "active",
        "is_default",
        "qualification",
        "referrer_reward_kind",
        "referrer_reward_amount",
        "referee_reward_kind",
        "referee_reward_amount",
        "holding_days",
    )
    list_filter = ("tenant", "active", "qualification")
    search_fields = ("name",)


@admin.register(ReferralLink)
class ReferralLinkAdmin(TenantOwnedAdmin):
    list_display = (
        "code",
        "tenant",
        "program",
        "referrer",
        "active",
        "clicks",
        "referrals",
        "qualified",
        "created_at",
    )
    list_filter = ("tenant", "active")
    search_fields = ("code", "referrer__email", "referrer__external_id")
    raw_id_fields = ("referrer", "program")
    list_select_related = ("tenant", "program", "referrer")

    def get_queryset(self, request):
        # The same counters as the API (selectors.links_with_stats), across tenants.
        return selectors.links_with_stats(super().get_queryset(request))

    @admin.display(description="clicks", ordering="clicks_count")
    def clicks(self, obj):
        return obj.clicks_count

    @admin.display(description="referrals", ordering="referrals_count")
    def referrals(self, obj):
        return obj.referrals_count

    @admin.display(description="qualified", ordering="qualified_count")
    def qualified(self, obj):
        return obj.qualified_count


@admin.register(Referral)
class ReferralAdmin(TenantOwnedAdmin):
    list_display = (
        "id",
        "tenant",
        "referrer",
        "referee",
        "status",
        "rejection_reason",
        "fraud_signals",
        "attributed_at",
        "qualified_at",
    )
    list_filter = ("tenant", "status", "rejection_reason")
    search_fields = ("referrer__email", "referee__email")
    list_select_related = ("tenant", "referrer", "referee")
    raw_id_fields = ("referrer", "referee", "link", "program")
    readonly_fields = (
        "status",
        "rejection_reason",
        "fraud_signals",
        "clicked_at",
        "attributed_at",
        "qualified_at",
        "closed_at",
    )


def _transition(request, rows, move, label) -> str:
    done = each_in_tenant_scope(
        request,
        rows,
        lambda reward: move(reward=reward),
        refused=(ConflictError,),
        label=lambda reward: f"Reward {reward.pk}",
    )
    return f"{label} {done} reward(s)."


@staff_action("Approve the selected rewards")
def approve_rewards(modeladmin, request, rows):
    return _transition(request, rows, rewards.reward_approve, "Approved")


@staff_action("Void the selected rewards")
def void_rewards(modeladmin, request, rows):
    return _transition(request, rows, rewards.reward_void, "Voided")


@admin.register(Reward)
class RewardAdmin(TenantOwnedAdmin):
    list_display = (
        "id",
        "tenant",
        "recipient",
        "side",
        "kind",
        "amount",
        "currency",
        "status",
        "needs_manual_approval",
        "approve_after",
        "void_reason",
    )
    list_filter = ("tenant", "status", "side", "needs_manual_approval")
    search_fields = ("recipient__email",)
    list_select_related = ("tenant", "recipient")
    readonly_fields = (
        "referral",
        "recipient",
        "side",
        "kind",
        "amount",
        "currency",
        "status",
        "approve_after",
        "void_reason",
        "approved_at",
        "issued_at",
        "voided_at",
    )
    actions = [approve_rewards, void_rewards]
