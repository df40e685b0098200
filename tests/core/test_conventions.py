"""API conventions: problem+json errors, idempotent POSTs, throttling, pagination, readiness."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Tenant
from accounts.roles import Role
from flywheel.core import idempotency
from flywheel.core.models import IdempotencyRecord
from tests.accounts.factories import ApiKeyFactory, MembershipFactory, UserFactory
from tests.conftest import client_for_key, client_for_user

pytestmark = pytest.mark.django_db
PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status
    return body


@pytest.fixture
def user_client():
    return client_for_user(UserFactory())


def test_malformed_json_is_a_400_problem(user_client):
    response = user_client.post("/api/v1/tenants/", "{nope", content_type="application/json")
    assert _problem(response, 400)["code"] == "parse_error"


def test_unknown_fields_are_a_400_problem_naming_them(user_client):
    response = user_client.post("/api/v1/tenants/", {"name": "A", "colour": "red"}, format="json")
    errors = _problem(response, 400)["errors"]
    assert errors == [{"field": "colour", "code": "unknown_field", "message": "Unknown field."}]


def test_wrong_types_and_non_objects_are_400_problems(user_client):
    wrong = user_client.post("/api/v1/tenants/", {"name": ["A"]}, format="json")
    listed = user_client.post("/api/v1/tenants/", [1, 2], format="json")
    assert _problem(wrong, 400)["errors"][0]["field"] == "name"
    assert _problem(listed, 400)["errors"][0]["field"] == "non_field_errors"


@override_settings(API_MAX_BODY_BYTES=100)
def test_a_body_over_the_limit_is_413(user_client):
    response = user_client.post("/api/v1/tenants/", {"name": "x" * 200}, format="json")
    assert _problem(response, 413)["code"] == "payload_too_large"


def test_unknown_routes_and_methods_are_problems(user_client):
    _problem(user_client.get("/api/v1/nothing-here"), 404)
    _problem(user_client.put("/api/v1/auth/me", {}, format="json"), 405)


def test_a_500_is_a_problem_without_internals(user_client):
    from flywheel.core.errors import server_error_view

    response = server_error_view(None)
    assert response.status_code == 500 and b"Traceback" not in response.content


def test_an_idempotent_replay_returns_the_first_response_and_creates_once(user_client):
    # when
    first = user_client.post(
        "/api/v1/tenants/", {"name": "Once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    second = user_client.post(
        "/api/v1/tenants/", {"name": "Once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    # then
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Tenant.objects.filter(name="Once").count() == 1


def test_the_same_key_with_another_body_is_422(user_client):
    user_client.post("/api/v1/tenants/", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = user_client.post(
        "/api/v1/tenants/", {"name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert _problem(other, 422)["code"] == "idempotency_key_reused"


def test_a_failed_request_does_not_use_up_its_key(user_client):
    bad = user_client.post(
        "/api/v1/tenants/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert bad.status_code == 400 and not IdempotencyRecord.objects.exists()


def test_keys_belong_to_their_caller(user_client):
    other = client_for_user(UserFactory())
    a = user_client.post(
        "/api/v1/tenants/", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    b = other.post("/api/v1/tenants/", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_a_request_still_running_with_the_key_gets_409(user_client):
    # given: the first request's record, put back into its "running" state
    user_client.post("/api/v1/tenants/", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    IdempotencyRecord.objects.filter(key="busy").update(status_code=None, response_body=None)
    # when
    response = user_client.post(
        "/api/v1/tenants/", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
    )
    # then
    assert _problem(response, 409)["code"] == "idempotency_in_progress"


def test_records_older_than_a_day_are_purged():
    old = IdempotencyRecord.objects.create(
        owner="user:1", key="a", fingerprint="f", created_at=timezone.now() - timedelta(hours=25)
    )
    fresh = IdempotencyRecord.objects.create(owner="user:1", key="b", fingerprint="f")
    assert idempotency.purge_expired() == 1
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()
    assert IdempotencyRecord.objects.filter(pk=fresh.pk).exists()


RATES = {"api_key": "2/min", "user": "2/min", "anon": "2/min", "tenant": "100/min"}


@override_settings(THROTTLE_RATES=RATES)
def test_an_api_key_over_its_rate_gets_429_with_retry_after(tenant):
    # given
    first, second = ApiKeyFactory(tenant=tenant), ApiKeyFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/"
    client = client_for_key(first.secret)
    # when
    statuses = [client.get(url).status_code for _ in range(3)]
    limited = client.get(url)
    # then
    assert statuses == [200, 200, 429]
    assert int(_problem(limited, 429) and limited["Retry-After"]) > 0
    assert client_for_key(second.secret).get(url).status_code == 200  # its own budget


@override_settings(THROTTLE_RATES=RATES)
def test_a_user_over_the_rate_gets_429():
    client = client_for_user(UserFactory())
    statuses = [client.get("/api/v1/auth/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_list_pages_follow_the_cursor_without_repeats(tenant, owner_client):
    # given
    for _ in range(6):
        MembershipFactory(tenant=tenant, role=Role.VIEWER)
    url = f"/api/v1/tenants/{tenant.slug}/members/"
    # when
    pages = [owner_client.get(url, {"limit": 3}).json()]
    while pages[-1]["next"]:
        pages.append(owner_client.get(pages[-1]["next"]).json())
    # then
    ids = [m["id"] for page in pages for m in page["results"]]
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    assert len(ids) == len(set(ids)) == 7


def test_bad_limits_and_cursors_are_400(tenant, owner_client):
    url = f"/api/v1/tenants/{tenant.slug}/members/"
    _problem(owner_client.get(url, {"limit": "abc"}), 400)
    _problem(owner_client.get(url, {"cursor": "garbage"}), 400)
    assert owner_client.get(url, {"limit": 500}).status_code == 200  # capped at 200


def test_list_queries_do_not_grow_with_the_page(tenant, owner_client):
    for _ in range(8):
        MembershipFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/members/"
    counts = []
    for limit in (2, 9):
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url, {"limit": limit}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_healthz_is_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ok_when_every_dependency_answers(client):
    body = client.get("/readyz").json()
    assert body == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok"}}


def test_readyz_is_503_naming_only_the_database_when_it_is_unreachable(client, caplog):
    with mock.patch("flywheel.core.health.connection") as broken:
        broken.cursor.side_effect = OperationalError("connection refused to 10.1.2.3 user=app")
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "unavailable",
        "broker": "ok",
        "cache": "ok",
    }
    assert "10.1.2.3" not in response.content.decode()  # the error goes to the log only
    assert "10.1.2.3" in caplog.text


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_naming_the_broker_when_it_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable", "cache": "ok"}


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
)
def test_readyz_is_503_naming_the_cache_when_it_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"
