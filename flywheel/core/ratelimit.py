"""An atomic sliding-window rate limiter: Redis (one Lua script) or, without Redis, a lock.

DRF's cache throttles read a list, append and write it back: two concurrent requests both
read the old list and both pass, so 200 concurrent requests against 100 a minute admit far
more than 100. Here one Redis script removes the entries older than the window, counts the
rest and adds the request only while the count is below the limit, all in one atomic step on
the server (with the server's clock, so every web process agrees): exactly `limit` requests
pass in any window. Without a Redis cache (the demo, the tests' in-memory cache) the same
logic runs under a process-wide lock, which is exact within one process.

When Redis does not answer, limits fail open: the request is admitted, the failure logged
and counted (`flywheel_ratelimit_unavailable_total`). Losing the limiter for the length of a
Redis outage is better than refusing every tenant's traffic; the database is not at risk
from it alone (each request still needs a valid credential).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from prometheus_client import Counter

logger = logging.getLogger(__name__)
UNAVAILABLE = Counter(
    "flywheel_ratelimit_unavailable_total",
    "Requests admitted without counting because the rate limiter's Redis did not answer.",
)

SCRIPT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window_us = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window_us)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now_us, ARGV[3])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', KEYS[1], math.ceil(window_us / 1000))
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset_us = window_us
if oldest[2] then reset_us = tonumber(oldest[2]) + window_us - now_us end
return {allowed, limit - count, reset_us}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the oldest counted request leaves the window

    def tighter(self, other: Decision | None) -> Decision:
        """The decision a client should see of two limits: the one with fewer left."""
        if other is None or (not self.allowed and other.allowed):
            return self
        if self.allowed and not other.allowed:
            return other
        return self if self.remaining <= other.remaining else other


def _redis_client():
    """The raw redis-py client behind Django's Redis cache, or None for other caches."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(None, write=True)


_script = None
_local_lock = threading.Lock()
_local: dict[str, deque] = {}
LOCAL_KEYS_MAX = 10_000


def hit(key: str, limit: int, window_seconds: int) -> Decision:
    """Count one request against `limit` per `window_seconds` under `key`, atomically."""
    client = _redis_client()
    if client is None:
        return _hit_local(key, limit, window_seconds)
    try:
        return _hit_redis(client, key, limit, window_seconds)
    except Exception as error:  # redis-py's ConnectionError, TimeoutError...: fail open
        UNAVAILABLE.inc()
        logger.warning("Rate limiter unavailable, request admitted: %s", type(error).__name__)
        return Decision(True, limit, limit, window_seconds)


def _hit_redis(client, key: str, limit: int, window_seconds: int) -> Decision:
    global _script
    if _script is None:  # one Script (its SHA computed once), run on whichever client
        _script = client.register_script(SCRIPT)
    allowed, remaining, reset_us = _script(
        keys=[f"ratelimit:{key}"],
        args=[window_seconds * 1_000_000, limit, uuid.uuid4().hex],
        client=client,
    )
    return Decision(bool(allowed), limit, int(remaining), max(1, -(-int(reset_us) // 1_000_000)))


def _hit_local(key: str, limit: int, window_seconds: int) -> Decision:
    now = time.monotonic()
    with _local_lock:
        if len(_local) > LOCAL_KEYS_MAX:  # forget idle keys (the demo's memory stays bounded)
            for idle in [k for k, v in _local.items() if not v or v[-1] <= now - window_seconds]:
                del _local[idle]
        stamps = _local.setdefault(key, deque())
        while stamps and stamps[0] <= now - window_seconds:
            stamps.popleft()
        allowed = len(stamps) < limit
        if allowed:
            stamps.append(now)
        reset = (stamps[0] + window_seconds - now) if stamps else window_seconds
        return Decision(allowed, limit, limit - len(stamps), max(1, int(reset + 0.999)))


def reset_local() -> None:
    """Forget the in-process counts (tests clear the cache between tests; this too)."""
    with _local_lock:
        _local.clear()
