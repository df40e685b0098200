"""Failed logins per account: after `LOGIN_MAX_FAILURES` in the window, 429 until it passes.

The per-address limit (the anonymous throttle) stops one client; this one stops many
addresses guessing one account's password. Counted in the cache (atomic `incr` on Redis);
a successful login clears the count.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled


def _key(email: str) -> str:
    return "login_failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def check(email: str) -> None:
    """429 (with Retry-After) when the account has used up its failed attempts."""
    if (cache.get(_key(email)) or 0) >= settings.LOGIN_MAX_FAILURES:
        raise Throttled(
            wait=settings.LOGIN_FAILURE_WINDOW_SECONDS,
            detail="Too many failed logins for this account; try again later.",
        )


def record_failure(email: str) -> None:
    key = _key(email)
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear(email: str) -> None:
    cache.delete(_key(email))
