"""The tenant API base: `{tenant}` from the URL and the credential, roles and scopes, scope.

`TenantViewSet` / `TenantAPIView` resolve `{tenant}` from the URL and the credential, answer
404 for a tenant the caller does not belong to, check role and scope (`HasTenantAccess`), and
put the tenant in scope for the whole request, so the models' default managers filter by it.
Subclasses may not override `get_queryset` (checked when the class is created and by a test
over every route); they narrow the already-scoped queryset in `safely_get_queryset`.
Here, not in the core: it is made of accounts' memberships, roles and credentials.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions, generics, permissions, viewsets
from rest_framework.permissions import IsAuthenticated

from accounts.models import ApiKey, Membership, PersonalToken, Tenant
from accounts.roles import Role, role_at_least
from accounts.scopes import scope_for
from flywheel.core.tenancy import TenantOwnedModel, reset_current_tenant, set_current_tenant
from flywheel.core.views import ApiViewMixin


class HasTenantAccess(permissions.BasePermission):
    """The caller may do this in the tenant in scope.

    Members need the view's role for the action; API keys need the area's read or write
    scope (and the view must accept API keys); personal tokens need both role and scope.
    """

    message = "Your role or key scopes do not allow this."

    def has_permission(self, request, view) -> bool:
        write = request.method not in permissions.SAFE_METHODS
        scope = scope_for(view.scope_area, write=write)
        if isinstance(request.auth, ApiKey):
            if not view.allow_api_keys or (write and view.api_keys_read_only):
                return False
            return request.auth.has_scope(scope)
        membership = view.membership
        if membership is None or not role_at_least(membership.role, view.required_role()):
            return False
        if isinstance(request.auth, PersonalToken):
            return request.auth.has_scope(scope)
        return True


def resolve_tenant(request, slug: str) -> tuple[Tenant, Membership | None]:
    """The active tenant `slug` if the caller belongs to it, else 404 (never 403)."""
    if isinstance(request.auth, ApiKey):
        tenant = request.auth.tenant  # loaded with the key
        if tenant.slug != slug or not tenant.active:
            raise exceptions.NotFound()
        return tenant, None
    # all_tenants: no tenant is in scope yet; this query decides which one will be.
    membership = (
        Membership.all_tenants.select_related("tenant")
        .filter(user=request.user, tenant__slug=slug, tenant__active=True)
        .first()
    )
    if membership is None:
        raise exceptions.NotFound()
    return membership.tenant, membership


class TenantScopedMixin(ApiViewMixin):
    """Tenant resolution, role/scope permissions and the tenant scope for one request.

    Class attributes: `scope_area` (API key scope area, required), `read_role` and
    `write_role` (defaults viewer / member), `action_roles` (per-action overrides),
    `allow_api_keys` (False for endpoints only people may use), `api_keys_read_only`.
    """

    scope_area: str = ""
    read_role: str = Role.VIEWER
    write_role: str = Role.MEMBER
    action_roles: dict[str, str] = {}
    allow_api_keys: bool = True
    api_keys_read_only: bool = False

    permission_classes = [IsAuthenticated, HasTenantAccess]
    tenant: Tenant
    membership: Membership | None = None
    _tenant_token = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ and not cls.__dict__.get("_defines_scoping", False):
            raise ImproperlyConfigured(
                f"{cls.__name__} overrides get_queryset; narrow the scoped queryset in "
                "safely_get_queryset instead."
            )

    def required_role(self) -> str:
        action = getattr(self, "action", None)
        if action in self.action_roles:
            return self.action_roles[action]
        return (
            self.read_role
            if self.request.method in ("GET", "HEAD", "OPTIONS")
            else (self.write_role)
        )

    def check_permissions(self, request) -> None:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        self.tenant, self.membership = resolve_tenant(request, self.kwargs["tenant"])
        self._tenant_token = set_current_tenant(self.tenant)
        super().check_permissions(request)

    def dispatch(self, request, *args: Any, **kwargs: Any):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._tenant_token is not None:
                reset_current_tenant(self._tenant_token)
                self._tenant_token = None

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["tenant"] = getattr(self, "tenant", None)
        return context

    def require_scope(self, area: str, *, write: bool) -> None:
        """403 unless the request's key or token also holds `area`'s scope: for a request
        that reaches into a second area (e.g. events that create customers)."""
        credential = self.request.auth
        scope = scope_for(area, write=write)
        if isinstance(credential, (ApiKey, PersonalToken)) and not credential.has_scope(scope):
            raise exceptions.PermissionDenied(f"This also needs the `{scope}` scope.")


class TenantGenericMixin(TenantScopedMixin):
    """The final `get_queryset`: the model's scoped manager, then `safely_get_queryset`."""

    model: type[TenantOwnedModel] | None = None
    _defines_scoping = True  # the one class allowed to define get_queryset

    def get_queryset(self):
        if self.model is None or not issubclass(self.model, TenantOwnedModel):
            raise ImproperlyConfigured(f"{type(self).__name__}.model must be tenant-owned.")
        return self.safely_get_queryset(self.model.objects.all())

    def safely_get_queryset(self, queryset):
        """Narrow or annotate the tenant-scoped queryset (select_related, filters)."""
        return queryset


class TenantViewSet(TenantGenericMixin, viewsets.GenericViewSet):
    """Base of every viewset under `/api/v1/tenants/{tenant}/`."""


class TenantAPIView(TenantScopedMixin, generics.GenericAPIView):
    """Base of non-model views under `/api/v1/tenants/{tenant}/` (reports, the tenant)."""
