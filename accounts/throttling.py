"""Rate limits per tenant API key and per user (session or personal token)."""

from accounts.models import ApiKey
from flywheel.core.throttling import SettingsRateThrottle


class ApiKeyRateThrottle(SettingsRateThrottle):
    """Requests made with one tenant API key."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"throttle:api_key:{request.auth.pk}"
        return None


class UserRateThrottle(SettingsRateThrottle):
    """Requests made by one user (session or personal token)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated and not isinstance(request.auth, ApiKey):
            return f"throttle:user:{request.user.pk}"
        return None
