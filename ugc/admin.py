"""Admin for support staff: the moderation queue of submitted content, and the rules."""

from django.contrib import admin

from flywheel.core.admin import TenantOwnedAdmin, each_in_tenant_scope, staff_action
from flywheel.core.errors import ConflictError
from ugc.models import UGCRequest, UGCRule
from ugc.services import requests as services


def _moderate(request, rows, move, label) -> str:
    done = each_in_tenant_scope(
        request,
        rows,
        lambda ugc: move(request=ugc, note=f"{label} in the admin by {request.user}"),
        refused=(ConflictError,),
        label=lambda ugc: f"Request {ugc.pk}",
    )
    return f"{label} {done} request(s)."


@staff_action("Approve the selected submissions")
def approve(modeladmin, request, rows):
    return _moderate(request, rows, services.ugc_request_approve, "Approved")


@staff_action("Reject the selected submissions")
def reject(modeladmin, request, rows):
    return _moderate(request, rows, services.ugc_request_reject, "Rejected")


class StatusQueueFilter(admin.SimpleListFilter):
    """Opens on the moderation queue (submitted content) unless another status is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("submitted", "Submitted (moderation queue)"),
            *[
                (value, label)
                for value, label in UGCRequest._meta.get_field("status").choices
                if value != "submitted"
            ],
            ("all", "All"),
        ]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "submitted") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "submitted"
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(UGCRequest)
class UGCRequestAdmin(TenantOwnedAdmin):
    list_display = (
        "id",
        "tenant",
        "customer",
        "kind",
        "trigger",
        "status",
        "rating",
        "consent",
        "submitted_at",
        "due_at",
    )
    list_filter = (StatusQueueFilter, "tenant", "kind", "trigger", "consent")
    search_fields = ("customer__email", "text")
    list_select_related = ("tenant", "customer")
    readonly_fields = (
        "customer",
        "kind",
        "trigger",
        "rule",
        "source_event",
        "status",
        "token",
        "prompt",
        "due_at",
        "remind_at",
        "reminders_sent",
        "text",
        "rating",
        "media_url",
        "consent",
        "submitted_at",
        "decided_at",
        "published_url",
        "published_at",
        "created_at",
    )
    fields = (*readonly_fields, "moderation_note")
    actions = [approve, reject]

    def has_add_permission(self, request):
        return False


@admin.register(UGCRule)
class UGCRuleAdmin(TenantOwnedAdmin):
    list_display = (
        "trigger",
        "tenant",
        "request_kind",
        "threshold",
        "window_days",
        "cooldown_days",
        "reminder_days",
        "expiry_days",
        "active",
    )
    list_filter = ("tenant", "trigger", "active")
