"""Admin base for tenant-owned models: support staff see every tenant, filter by one."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied


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
