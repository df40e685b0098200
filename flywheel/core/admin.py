"""Admin base for tenant-owned models: support staff see every tenant, filter by one."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from flywheel.core import delivery
from flywheel.core.models import DomainEvent, EventDelivery


class TenantOwnedAdmin(admin.ModelAdmin):
    """Lists rows of all tenants with a tenant filter; the tenant column comes first."""

    list_filter = ("tenant",)
    list_select_related = ("tenant",)

    def get_queryset(self, request):
        # all_tenants: the admin is the cross-tenant tool of support staff.
        return self.model.all_tenants.select_related("tenant")


def model_view(model_admin: admin.ModelAdmin, view, *, permission: str = "view"):
    """A custom admin page of `model_admin`: staff login (admin_view) and the model's
    `permission` ("view" or "change"), else 403. Every page added in `get_urls` uses this."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        allowed = getattr(model_admin, f"has_{permission}_permission")(request)
        if not allowed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return model_admin.admin_site.admin_view(checked)


@admin.register(DomainEvent)
class DomainEventAdmin(TenantOwnedAdmin):
    """The outbox: what happened, and whether every subscriber has taken it."""

    list_display = ("id", "name", "tenant", "occurred_at", "settled_at")
    list_filter = ("name", "tenant")
    search_fields = ("name",)
    readonly_fields = ("tenant", "name", "payload", "occurred_at", "settled_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EventDelivery)
class EventDeliveryAdmin(TenantOwnedAdmin):
    """Deliveries of domain events to subscribers: parked ones with their error, retryable."""

    list_display = ("id", "subscriber", "status", "attempts", "event", "tenant", "updated_at")
    list_filter = ("status", "subscriber", "tenant")
    list_select_related = ("tenant", "event")
    search_fields = ("subscriber", "last_error")
    readonly_fields = (
        "tenant",
        "subscriber",
        "event",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "updated_at",
    )
    actions = ["retry"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry the selected parked deliveries", permissions=["change"])
    def retry(self, request, queryset):
        retried = delivery.retry_parked(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{retried} parked deliveries queued again.")
