"""Faults (issue 17, item 2), in-process: the database unavailable answers 503 problem+json
and a dropped connection heals on the next request without a restart; Redis lost leaves the
API working (limits fail open, tested in tests/core/test_rate_limits.py)."""

from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection
from django.db.utils import OperationalError

from tests.accounts.factories import ApiKeyFactory
from tests.conftest import client_for_key


@pytest.mark.django_db
def test_the_database_unavailable_is_503_problem_json_with_retry_after(tenant):
    client = client_for_key(ApiKeyFactory(tenant=tenant).secret)
    client.raise_request_exception = False
    with mock.patch(
        "accounts.authentication.ApiKey.all_tenants.select_related",
        side_effect=OperationalError("could not connect to server: Connection refused"),
    ):
        response = client.get(f"/api/v1/tenants/{tenant.slug}/customers/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"
    assert "Connection refused" not in response.content.decode()
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_public_redirect_answers_503_too(client):
    client.raise_request_exception = False
    with mock.patch(
        "referrals.redirect._execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/r/ABCD1234")
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_heals_on_the_next_request(tenant):
    client = client_for_key(ApiKeyFactory(tenant=tenant).secret)
    url = f"/api/v1/tenants/{tenant.slug}/customers/"
    assert client.get(url).status_code == 200
    pid = connection.connection.info.backend_pid  # the connection the requests share
    params = connection.get_connection_params()
    dsn = {k: v for k, v in params.items() if k in ("host", "port", "user", "dbname")}
    with psycopg.connect(**dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # the same process, no restart: CONN_HEALTH_CHECKS finds the dead connection at the start
    # of the next request and reconnects. The test client skips the start-of-request signal
    # that gunicorn's WSGI handler sends, so it is sent here as the handler would.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    request_started.send(sender=WSGIHandler)
    assert client.get(url).status_code == 200
    assert connection.connection.info.backend_pid != pid
