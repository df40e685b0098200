"""Rate limits per tenant API key, per user (session or personal token) and per tenant.

A tenant's own limit counts every request to its resources, whichever key or member makes
it, so one tenant's many keys cannot take the capacity of the others. Malformed and unknown
keys never reach a throttle: authentication refuses them first (a malformed one without a
query), so no bucket is made for a bogus key.
"""

from accounts.models import ApiKey
from flywheel.core.throttling import SettingsRateThrottle


class ApiKeyRateThrottle(SettingsRateThrottle):
    """Requests made with one tenant API key."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"api_key:{request.auth.pk}"
        return None


class UserRateThrottle(SettingsRateThrottle):
    """Requests made by one user (session or personal token)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated and not isinstance(request.auth, ApiKey):
            return f"user:{request.user.pk}"
        return None


class TenantRateThrottle(SettingsRateThrottle):
    """Requests to one tenant's resources, by any credential (the tenant is resolved and
    the caller's access checked before throttles run)."""

    scope = "tenant"

    def get_cache_key(self, request, view):
        tenant = getattr(view, "tenant", None)
        return f"tenant:{tenant.pk}" if tenant is not None else None
