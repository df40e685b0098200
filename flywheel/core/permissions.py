"""Role and scope checks for tenant resources, applied by the tenant viewset base."""

from rest_framework import permissions

from accounts.models import ApiKey, PersonalToken
from accounts.roles import role_at_least
from accounts.scopes import scope_for


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
