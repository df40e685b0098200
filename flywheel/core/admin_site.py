"""The admin site of support staff (Django's default site, `SupportAdminConfig`).

Support staff see every tenant: each admin view runs on the explicit cross-tenant path of the
database's floor (`flywheel.core.rowsecurity`); actions that change a tenant's data enter that
tenant's scope again (`flywheel.core.admin.each_in_tenant_scope`). A module of its own: the
lazy default site imports it while apps' admin modules register their models."""

from functools import wraps

from django.contrib import admin

from flywheel.core.tenancy import cross_tenant


class SupportAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def across_tenants(request, *args, **kwargs):
            with cross_tenant():
                return checked(request, *args, **kwargs)

        return across_tenants
