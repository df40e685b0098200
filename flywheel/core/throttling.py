"""Rate limits per API key, per user and per client address (anonymous endpoints).

Rates come from `settings.THROTTLE_RATES` on every request, so they follow the environment.
"""

from django.conf import settings
from rest_framework import throttling

from flywheel.core.client_ip import client_ip


class _SettingsRateThrottle(throttling.SimpleRateThrottle):
    def get_rate(self):
        return settings.THROTTLE_RATES[self.scope]


class ApiKeyRateThrottle(_SettingsRateThrottle):
    """Requests made with one tenant API key."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        from accounts.models import ApiKey

        if isinstance(request.auth, ApiKey):
            return f"throttle:api_key:{request.auth.pk}"
        return None


class UserRateThrottle(_SettingsRateThrottle):
    """Requests made by one user (session or personal token)."""

    scope = "user"

    def get_cache_key(self, request, view):
        from accounts.models import ApiKey

        if request.user and request.user.is_authenticated and not isinstance(request.auth, ApiKey):
            return f"throttle:user:{request.user.pk}"
        return None


class AnonRateThrottle(_SettingsRateThrottle):
    """Unauthenticated endpoints (login, register, public pages), per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return f"throttle:anon:{client_ip(request)}"
