"""Admin for support staff: customers with their history, read-only events, per tenant."""

from django.contrib import admin

from customers.models import Customer, CustomerErasure, Event, StageChange
from flywheel.core.admin import TenantOwnedAdmin


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_stage", "to_stage", "changed_by_user", "changed_by_api_key")
    readonly_fields = fields
    ordering = ("-changed_at",)

    def get_queryset(self, request):
        # all_tenants: inline of one customer in the cross-tenant admin.
        return StageChange.all_tenants.select_related("changed_by_user", "changed_by_api_key")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(TenantOwnedAdmin):
    list_display = (
        "__str__",
        "tenant",
        "external_id",
        "stage",
        "acquisition_channel",
        "mrr",
        "health_band",
        "health_score",
        "nps_score",
        "created_at",
    )
    list_filter = (
        "tenant",
        "stage",
        "acquisition_channel",
        "health__band",
        ("created_at", admin.DateFieldListFilter),
    )
    list_select_related = ("tenant", "health")
    search_fields = ("=email", "=external_id")  # exact, through the tenant indexes
    readonly_fields = (
        "health_score",
        "health_band",
        "health_components",
        "health_alerts",
        "nps_score",
        "nps_at",
        "last_seen_at",
        "updated_at",
    )
    raw_id_fields = ("referred_by",)
    # No date_hierarchy: it runs a DISTINCT over every row's date on each page view (seconds
    # on a million rows); the date filter above needs no query.
    inlines = [StageChangeInline]

    @admin.display(description="health band", ordering="health__band")
    def health_band(self, obj):
        health = obj.current_health
        return health.band if health else "-"

    @admin.display(description="health score", ordering="health__score")
    def health_score(self, obj):
        health = obj.current_health
        return health.score if health else None

    @admin.display(description="health components (the reason)")
    def health_components(self, obj):
        health = obj.current_health
        return health.components if health else {}

    @admin.display(description="health alerts")
    def health_alerts(self, obj):
        health = obj.current_health
        return health.alerts if health else []


@admin.register(Event)
class EventAdmin(TenantOwnedAdmin):
    list_display = ("sender_id", "tenant", "customer", "kind", "occurred_at", "value")
    list_filter = ("tenant", "kind", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("=sender_id", "=customer__external_id", "=customer__email")  # exact: indexed
    list_select_related = ("tenant", "customer")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CustomerErasure)
class CustomerErasureAdmin(TenantOwnedAdmin):
    """Erasures asked for through the API: who asked, when it ran, what it changed."""

    list_display = ("tenant", "customer", "status", "requested_by", "created_at", "finished_at")
    list_filter = ("tenant", "status")
    list_select_related = ("tenant", "customer")
    readonly_fields = [f.name for f in CustomerErasure._meta.fields]

    def has_add_permission(self, request):
        return False  # erasure starts from the API (customers/{id}/erase/), as a job
