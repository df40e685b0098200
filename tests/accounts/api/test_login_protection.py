"""Session login: a per-account failure limit and the CSRF check (issue 11, point 4)."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password, **extra):
    return client.post(
        "/api/v1/auth/login", {"email": email, "password": password}, format="json", **extra
    )


def test_an_account_is_locked_after_too_many_failures_from_any_address(settings):
    # given
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory(email="victim@example.com")
    client = APIClient()
    # when: wrong passwords from rotating addresses, then the right one
    failures = [
        _login(client, user.email, "wrong", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    locked = _login(client, user.email, PASSWORD, REMOTE_ADDR="198.51.100.99")
    # then
    assert failures == [401, 401, 401]
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_a_successful_login_clears_the_failures(settings):
    settings.LOGIN_MAX_FAILURES = 2
    user = UserFactory()
    client = APIClient()
    _login(client, user.email, "wrong")
    assert _login(client, user.email, PASSWORD).status_code == 200
    _login(client, user.email, "wrong")
    assert _login(client, user.email, PASSWORD).status_code == 200


def test_login_needs_the_csrf_token_from_auth_csrf():
    user = UserFactory()
    client = APIClient(enforce_csrf_checks=True)
    without = _login(client, user.email, PASSWORD)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    with_token = _login(client, user.email, PASSWORD, HTTP_X_CSRFTOKEN=token)
    assert without.status_code == 403 and "CSRF" in without.json()["detail"]
    assert with_token.status_code == 200


def test_register_needs_the_csrf_token_too():
    client = APIClient(enforce_csrf_checks=True)
    body = {"email": "new@example.com", "password": "a-long-password-1"}
    assert client.post("/api/v1/auth/register", body, format="json").status_code == 403
