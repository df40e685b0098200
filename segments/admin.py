"""Admin for support staff: scoring models and segments with scores, health models, history."""

from django.contrib import admin

from flywheel.core.admin import TenantOwnedAdmin
from segments.models import (
    CustomerSegment,
    HealthAlert,
    HealthChange,
    HealthModel,
    MarketSegment,
    MarketSizing,
    ScoringModel,
)
from segments.selectors import scores_for


@admin.register(ScoringModel)
class ScoringModelAdmin(TenantOwnedAdmin):
    list_display = ("name", "tenant", "is_default", "created_at")


@admin.register(MarketSegment)
class MarketSegmentAdmin(TenantOwnedAdmin):
    list_display = ("name", "tenant", "model", "score", "rank")
    list_select_related = ("tenant", "model")

    def changelist_view(self, request, extra_context=None):
        self._scores = None
        return super().changelist_view(request, extra_context)

    def _score(self, obj):
        if getattr(self, "_scores", None) is None:
            # all_tenants: scores are per scoring model, computed across the listed tenants.
            self._scores = scores_for(list(MarketSegment.all_tenants.select_related("model")))
        return self._scores.get(obj.pk, (None, None))

    @admin.display(description="score")
    def score(self, obj):
        return self._score(obj)[0]

    @admin.display(description="rank")
    def rank(self, obj):
        return self._score(obj)[1]


@admin.register(MarketSizing)
class MarketSizingAdmin(TenantOwnedAdmin):
    list_display = ("name", "tenant", "market_customers", "average_arr", "created_at")


@admin.register(HealthModel)
class HealthModelAdmin(TenantOwnedAdmin):
    list_display = (
        "tenant",
        "weights",
        "key_features",
        "green_threshold",
        "yellow_threshold",
        "computed_at",
    )


@admin.register(HealthChange)
class HealthChangeAdmin(TenantOwnedAdmin):
    list_display = ("customer", "tenant", "from_band", "to_band", "score", "changed_at")
    list_filter = ("tenant", "to_band")
    list_select_related = ("tenant", "customer")
    raw_id_fields = ("customer",)


@admin.register(HealthAlert)
class HealthAlertAdmin(TenantOwnedAdmin):
    list_display = ("customer", "tenant", "kind", "started_at", "ended_at")
    list_filter = ("tenant", "kind")
    list_select_related = ("tenant", "customer")
    raw_id_fields = ("customer",)


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(TenantOwnedAdmin):
    list_display = ("name", "tenant", "filters", "created_at")
