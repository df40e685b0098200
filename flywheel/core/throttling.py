"""Rate limits with their rates from the settings: atomic (flywheel.core.ratelimit), with
`RateLimit-*` headers on every answer. The per-credential and per-tenant limits live with
the credentials (`accounts.throttling`); the per-address one of anonymous endpoints is here.

Rates come from `settings.THROTTLE_RATES` on every request, so they follow the environment.
"""

from django.conf import settings
from rest_framework import throttling

from flywheel.core import ratelimit
from flywheel.core.client_ip import client_ip

DECISION_ATTRIBUTE = "ratelimit_decision"


class SettingsRateThrottle(throttling.SimpleRateThrottle):
    """A throttle whose rate is `settings.THROTTLE_RATES[scope]`, read per request, counted
    atomically; the tightest decision of a request is kept for its `RateLimit-*` headers."""

    def __init__(self):  # the rate is read per request, not at construction
        pass

    def get_rate(self):
        return settings.THROTTLE_RATES[self.scope]

    def allow_request(self, request, view) -> bool:
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        limit, window = self.parse_rate(self.get_rate())
        self.decision = ratelimit.hit(key, limit, window)
        request_ = getattr(request, "_request", request)
        current = getattr(request_, DECISION_ATTRIBUTE, None)
        setattr(request_, DECISION_ATTRIBUTE, self.decision.tighter(current))
        return self.decision.allowed

    def wait(self) -> float:
        return float(self.decision.reset_seconds)


def ratelimit_headers(request, response) -> None:
    """`RateLimit-Limit`, `-Remaining` and `-Reset` of the tightest limit the request met."""
    decision = getattr(getattr(request, "_request", request), DECISION_ATTRIBUTE, None)
    if decision is None:
        return
    response["RateLimit-Limit"] = str(decision.limit)
    response["RateLimit-Remaining"] = str(max(0, decision.remaining))
    response["RateLimit-Reset"] = str(decision.reset_seconds)


class AnonRateThrottle(SettingsRateThrottle):
    """Unauthenticated endpoints (login, register, public pages), per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return f"anon:{client_ip(request)}"
