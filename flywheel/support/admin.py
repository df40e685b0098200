"""The support admin: a tenant's overview, the customer page, one search box, and the
tenant-wide actions (recompute health, recompute KPIs for a range), each confirmed,
permission-checked and written to the staff audit trail.

The tenant and customer admins of accounts and customers are extended here (they cannot
reach the other apps' data themselves: the import contracts keep them below)."""

from __future__ import annotations

import zoneinfo

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

import accounts.admin as accounts_admin
import customers.admin as customers_admin
from accounts.choices import CURRENCIES
from accounts.models import Tenant
from customers.models import Customer
from flywheel.core import personal_data, queue
from flywheel.core.admin import each_in_tenant_scope, model_view, staff_action
from flywheel.support import customer_page, search
from flywheel.support.overview import tenant_overview
from metrics.periods import GRANULARITIES

HEALTH_TASK = "segments.tasks.health_recompute_task"


class TenantForm(forms.ModelForm):
    """Currency and timezone as validated choices (the model keeps its validators too)."""

    currency = forms.ChoiceField(choices=[(code, code) for code in CURRENCIES], initial="EUR")
    timezone = forms.ChoiceField(
        choices=[(name, name) for name in sorted(zoneinfo.available_timezones())],
        initial="UTC",
    )

    class Meta:
        model = Tenant
        fields = [
            "name",
            "slug",
            "currency",
            "timezone",
            "gross_margin",
            "language",
            "brand_color",
            "logo_url",
            "frontend_base_url",
            "active",
        ]


class KpiRangeForm(forms.Form):
    """The range of a KPI recompute, checked by the API's own serializer."""

    granularity = forms.ChoiceField(choices=[(g, g) for g in GRANULARITIES], initial="month")
    since = forms.DateField(help_text="First day inside the first period (YYYY-MM-DD).")
    until = forms.DateField(help_text="A day inside the last period (YYYY-MM-DD).")

    def clean(self):
        from metrics.api.serializers import RangeSerializer

        data = super().clean()
        if self.errors:
            return data
        checked = RangeSerializer(data={k: str(v) for k, v in data.items() if v is not None})
        if not checked.is_valid():
            for field, messages in checked.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, str(message))
        return data


admin.site.unregister(Tenant)


@admin.register(Tenant)
class SupportTenantAdmin(accounts_admin.TenantAdmin):
    form = TenantForm
    list_display = ("slug", "name", "overview_link", "currency", "timezone", "active", "created_at")
    actions = ["recompute_health", "recompute_kpis"]
    change_form_template = "admin/support/tenant_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # The slug is the tenant's API path: changing it breaks every integration.
        return ("slug", "created_at") if obj is not None else ("created_at",)

    @admin.display(description="overview")
    def overview_link(self, tenant):
        url = reverse("admin:support_tenant_overview", args=[tenant.pk])
        return format_html('<a href="{}">Overview</a>', url)

    def has_recompute_kpis_permission(self, request):
        return request.user.has_perm("core.recompute_kpis")

    def has_recompute_health_permission(self, request):
        return request.user.has_perm("core.recompute_health")

    @staff_action(
        "Recompute the KPIs of the selected tenants for a range",
        permission="recompute_kpis",
        form=KpiRangeForm,
        tenant_of=lambda tenant: tenant.pk,
    )
    def recompute_kpis(self, request, rows, *, granularity, since, until):
        from flywheel.core.tenancy import tenant_scope
        from metrics.services.jobs import job_create

        for tenant in rows:
            with tenant_scope(tenant):
                job_create(
                    tenant=tenant,
                    granularity=granularity,
                    since=since,
                    until=until,
                    requested_by=f"admin:{request.user}",
                )
        return f"KPI recompute queued for {len(rows)} tenant(s), {granularity} {since}..{until}."

    @staff_action(
        "Recompute the customer health of the selected tenants",
        permission="recompute_health",
        tenant_of=lambda tenant: tenant.pk,
    )
    def recompute_health(self, request, rows):
        from django.db import transaction

        for tenant in rows:
            transaction.on_commit(lambda pk=tenant.pk: queue.send(HEALTH_TASK, [pk]))
        return f"Health recompute queued for {len(rows)} tenant(s)."

    def get_urls(self):
        return [
            path(
                "<int:pk>/overview/",
                model_view(self, self.overview_view),
                name="support_tenant_overview",
            ),
            path("search/", model_view(self, self.search_view), name="support_search"),
            *super().get_urls(),
        ]

    def overview_view(self, request, pk: int):
        tenant = get_object_or_404(Tenant, pk=pk)
        context = {
            **self.admin_site.each_context(request),
            **tenant_overview(tenant),
            "title": f"{tenant.name}: overview",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/support/overview.html", context)

    def search_view(self, request):
        query = request.GET.get("q", "").strip()[:200]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Search: {query}" if query else "Search",
            "opts": self.model._meta,
            "query": query,
            "groups": search.find(query) if query else [],
        }
        return TemplateResponse(request, "admin/support/search.html", context)


admin.site.unregister(Customer)


@admin.register(Customer)
class SupportCustomerAdmin(customers_admin.CustomerAdmin):
    change_form_template = "admin/support/customer_change_form.html"
    actions = ["erase_personal_data"]

    @staff_action(
        "Erase the personal data of the selected customers (the records stay, anonymised)",
        permission="erase",
    )
    def erase_personal_data(self, request, rows):
        """A person asked support to be forgotten: the same job as `customers/{id}/erase/`."""
        from customers.services.erasure import erasure_request

        done = each_in_tenant_scope(
            request,
            rows,
            lambda customer: erasure_request(
                customer=customer, requested_by=f"staff:{request.user.email}"
            ),
            refused=(),
        )
        return f"Erasure queued for {done} customer(s); follow it under Customer erasures."

    def has_erase_permission(self, request) -> bool:
        """Erasing is as strong as deleting: staff whose group may delete customers
        (the admin does not delete them; it erases)."""
        return request.user.has_perm("customers.delete_customer")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        customer = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if customer is not None:
            extra["support"] = customer_page.customer_sections(customer)
            if request.method == "GET":  # a staff member looked at a person's data
                personal_data.log_access(customer, access="admin_view", request=request)
        return super().change_view(request, object_id, form_url, extra)


class TenantLogFilter(admin.SimpleListFilter):
    """Audit entries of one tenant (tenant-owned rows and the tenant itself)."""

    title = "tenant"
    parameter_name = "tenant"

    def lookups(self, request, model_admin):
        return [(str(pk), slug) for pk, slug in Tenant.objects.values_list("pk", "slug")[:500]]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(additional_data__tenant_id=int(value))
        return queryset


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class SupportLogEntryAdmin(LogEntryAdmin):
    list_filter = (TenantLogFilter, *LogEntryAdmin.list_filter)
    show_full_result_count = False
