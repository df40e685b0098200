"""Rate limits with their rates from the settings, and the per-address one of anonymous
endpoints. The per-credential limits live with the credentials (`accounts.throttling`).

Rates come from `settings.THROTTLE_RATES` on every request, so they follow the environment.
"""

from django.conf import settings
from rest_framework import throttling

from flywheel.core.client_ip import client_ip


class SettingsRateThrottle(throttling.SimpleRateThrottle):
    """A throttle whose rate is `settings.THROTTLE_RATES[scope]`, read per request."""

    def get_rate(self):
        return settings.THROTTLE_RATES[self.scope]


class AnonRateThrottle(SettingsRateThrottle):
    """Unauthenticated endpoints (login, register, public pages), per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return f"throttle:anon:{client_ip(request)}"
