"""Rate limits that hold: atomic counting (Redis script or a lock), per key, user and tenant,
`RateLimit-*` headers, and bogus keys refused before any per-key work."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from flywheel.core import ratelimit
from tests.accounts.factories import ApiKeyFactory
from tests.conftest import client_for_key

REDIS_URL = "redis://127.0.0.1:6379/7"
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")


def hammer(key: str, limit: int, requests: int = 200) -> list[bool]:
    """`requests` threads released at once, each counting one request."""
    start = threading.Barrier(requests)

    def one(_):
        start.wait()
        return ratelimit.hit(key, limit, 60).allowed

    with ThreadPoolExecutor(max_workers=requests) as pool:
        return list(pool.map(one, range(requests)))


def test_the_in_process_limiter_admits_exactly_the_limit_under_concurrency():
    assert sum(hammer("local-probe", 100)) == 100


@needs_redis
@override_settings(CACHES=REDIS_CACHE)
def test_the_redis_limiter_admits_exactly_the_limit_under_concurrency():
    caches["default"].clear()
    try:
        assert ratelimit._redis_client() is not None  # the script, not the in-process lock
        assert sum(hammer("redis-probe", 100)) == 100
        decision = ratelimit.hit("redis-probe", 100, 60)
        assert not decision.allowed and decision.remaining == 0
        assert 1 <= decision.reset_seconds <= 60
    finally:
        caches["default"].clear()


@needs_redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(
    CACHES=REDIS_CACHE,
    THROTTLE_RATES={
        "api_key": "100/min",
        "user": "100/min",
        "anon": "100/min",
        "tenant": "1000/min",
    },
)
def test_200_concurrent_requests_against_100_a_minute_admit_exactly_100():
    caches["default"].clear()
    key = ApiKeyFactory()
    url = f"/api/v1/tenants/{key.tenant.slug}/customers/?limit=1"
    start = threading.Barrier(20)

    def batch(_):
        from django.db import connections

        start.wait()
        client = client_for_key(key.secret)
        try:
            return [client.get(url).status_code for _ in range(10)]
        finally:
            connections.close_all()

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = [s for chunk in pool.map(batch, range(20)) for s in chunk]
    finally:
        caches["default"].clear()
    assert len(statuses) == 200
    assert statuses.count(200) == 100 and statuses.count(429) == 100


@pytest.mark.django_db
@override_settings(
    THROTTLE_RATES={"api_key": "5/min", "user": "5/min", "anon": "5/min", "tenant": "100/min"}
)
def test_answers_carry_ratelimit_headers_of_the_tightest_limit(tenant):
    client = client_for_key(ApiKeyFactory(tenant=tenant).secret)
    url = f"/api/v1/tenants/{tenant.slug}/customers/"
    answers = [client.get(url) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert [a["RateLimit-Remaining"] for a in answers[:5]] == ["4", "3", "2", "1", "0"]
    assert all(a["RateLimit-Limit"] == "5" for a in answers)
    assert 1 <= int(answers[-1]["RateLimit-Reset"]) <= 60
    assert int(answers[-1]["Retry-After"]) >= 1


@pytest.mark.django_db
@override_settings(
    THROTTLE_RATES={"api_key": "100/min", "user": "100/min", "anon": "100/min", "tenant": "3/min"}
)
def test_a_tenant_limit_counts_every_key_of_the_tenant(tenant):
    first = client_for_key(ApiKeyFactory(tenant=tenant).secret)
    second = client_for_key(ApiKeyFactory(tenant=tenant).secret)
    url = f"/api/v1/tenants/{tenant.slug}/customers/"
    statuses = [c.get(url).status_code for c in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
    other = ApiKeyFactory()  # another tenant keeps its own budget
    assert (
        client_for_key(other.secret)
        .get(f"/api/v1/tenants/{other.tenant.slug}/customers/")
        .status_code
        == 200
    )


@pytest.mark.django_db
def test_a_malformed_key_is_refused_without_a_query_or_a_bucket(tenant):
    client = client_for_key("fw_live_" + "x" * 40)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/tenants/{tenant.slug}/customers/")
    assert response.status_code == 401
    assert len(queries) == 0
    assert "RateLimit-Limit" not in response
    assert not any(key.startswith("api_key:") for key in ratelimit._local)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_limits_fail_open_when_redis_is_lost(caplog):
    from prometheus_client import REGISTRY

    before = REGISTRY.get_sample_value("flywheel_ratelimit_unavailable_total") or 0
    decision = ratelimit.hit("lost", 1, 60)
    again = ratelimit.hit("lost", 1, 60)
    assert decision.allowed and again.allowed
    assert REGISTRY.get_sample_value("flywheel_ratelimit_unavailable_total") == before + 2
    assert "Rate limiter unavailable" in caplog.text
