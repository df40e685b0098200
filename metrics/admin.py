"""Admin for support staff: snapshots with a chart of every KPI over time, spend, thresholds,
alerts and recompute jobs."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe

from accounts.models import Tenant
from flywheel.core.admin import TenantOwnedAdmin, model_view
from metrics.charts import line_chart, since_first_data
from metrics.models import AcquisitionSpend, KpiAlert, KpiJob, KpiSnapshot, KpiThreshold
from metrics.periods import GRANULARITIES
from metrics.registry import KPIS

CHART_PERIODS = 36


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(TenantOwnedAdmin):
    list_display = (
        "tenant",
        "granularity",
        "period_start",
        "period_end",
        "complete",
        "computed_at",
    )
    list_filter = ("tenant", "granularity", "complete")
    date_hierarchy = "period_start"
    readonly_fields = [f.name for f in KpiSnapshot._meta.fields]
    change_list_template = "admin/metrics/kpisnapshot/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        charts = path("charts/", model_view(self, self.charts_view), name="metrics_kpi_charts")
        return [charts, *super().get_urls()]

    def charts_view(self, request):
        """Every KPI of one tenant over its last periods of one granularity, as line charts."""
        tenants = list(Tenant.objects.order_by("name"))
        tenant_id = request.GET.get("tenant", "")
        # No default tenant: staff choose one (or come from its overview), never see the
        # alphabetically first tenant's charts by accident.
        tenant = next((t for t in tenants if str(t.pk) == tenant_id), None)
        granularity = request.GET.get("granularity", "month")
        if granularity not in GRANULARITIES:
            granularity = "month"
        charts = []
        if tenant is not None:
            # all_tenants: support staff chart the tenant they picked.
            snapshots = since_first_data(
                list(
                    KpiSnapshot.all_tenants.filter(tenant=tenant, granularity=granularity)
                    .order_by("-period_start")
                    .values_list("period_start", "values", "complete", "inputs")[:CHART_PERIODS]
                )[::-1]
            )
            running = bool(snapshots) and not snapshots[-1][2]
            for kpi in KPIS:
                points = [(start, values.get(kpi.key)) for start, values, _, _ in snapshots]
                title = f"{kpi.name} ({kpi.unit}, {kpi.good} is good)"
                # line_chart escapes its only text input (the title); the rest are numbers.
                svg = line_chart(title, points, running_last=running)
                charts.append({"kpi": kpi, "svg": mark_safe(svg)})
        context = {
            **self.admin_site.each_context(request),
            "title": "KPI charts",
            "opts": self.model._meta,
            "tenants": tenants,
            "tenant": tenant,
            "granularities": GRANULARITIES,
            "granularity": granularity,
            "charts": charts,
        }
        return render(request, "admin/metrics/kpisnapshot/charts.html", context)


@admin.register(AcquisitionSpend)
class AcquisitionSpendAdmin(TenantOwnedAdmin):
    list_display = ("tenant", "channel", "period_start", "period_end", "amount")
    list_filter = ("tenant", "channel")


@admin.register(KpiThreshold)
class KpiThresholdAdmin(TenantOwnedAdmin):
    list_display = ("tenant", "kpi", "mode", "threshold", "active")


@admin.register(KpiAlert)
class KpiAlertAdmin(TenantOwnedAdmin):
    list_display = (
        "tenant",
        "kpi",
        "granularity",
        "period_start",
        "previous_value",
        "value",
        "change",
        "acknowledged_at",
    )
    list_filter = ("tenant", "kpi", "granularity")
    readonly_fields = [f.name for f in KpiAlert._meta.fields if f.name != "acknowledged_at"]


@admin.register(KpiJob)
class KpiJobAdmin(TenantOwnedAdmin):
    list_display = ("tenant", "granularity", "since", "until", "status", "done", "total")
    list_filter = ("tenant", "status")
    readonly_fields = [f.name for f in KpiJob._meta.fields]
