"""Admin base for tenant-owned models: support staff see every tenant, filter by one."""

from django.contrib import admin


class TenantOwnedAdmin(admin.ModelAdmin):
    """Lists rows of all tenants with a tenant filter; the tenant column comes first."""

    list_filter = ("tenant",)
    list_select_related = ("tenant",)

    def get_queryset(self, request):
        # all_tenants: the admin is the cross-tenant tool of support staff.
        return self.model.all_tenants.select_related("tenant")
