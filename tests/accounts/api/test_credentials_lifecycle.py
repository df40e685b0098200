"""Registration, sessions, personal tokens and API keys: shown once, hashed, refused when bad."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from accounts import keys
from accounts.authentication import authenticate_api_key
from accounts.models import ApiKey, PersonalToken
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, ApiKeyFactory, PersonalTokenFactory, UserFactory
from tests.conftest import client_for_key

pytestmark = pytest.mark.django_db


def _all_column_values(model) -> str:
    return (
        " ".join(str(v) for row in model.all_tenants.values_list() for v in row)
        if hasattr(model, "all_tenants")
        else " ".join(str(v) for row in model.objects.values_list() for v in row)
    )


def test_register_login_me_logout(api_client):
    # when
    registered = api_client.post(
        "/api/v1/auth/register",
        {"email": "New@Example.com", "password": "a-long-password-1"},
        format="json",
    )
    api_client.post("/api/v1/auth/logout")
    anonymous = api_client.get("/api/v1/auth/me")
    login = api_client.post(
        "/api/v1/auth/login",
        {"email": "new@example.com", "password": "a-long-password-1"},
        format="json",
    )
    me = api_client.get("/api/v1/auth/me")
    # then
    assert registered.status_code == 201 and registered.json()["email"] == "new@example.com"
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    assert login.status_code == 200
    assert me.json()["email"] == "new@example.com" and me.json()["memberships"] == []


def test_registering_a_taken_email_or_a_weak_password_is_400(api_client):
    UserFactory(email="taken@example.com")
    taken = api_client.post(
        "/api/v1/auth/register",
        {"email": "TAKEN@example.com", "password": "a-long-password-1"},
        format="json",
    )
    weak = api_client.post(
        "/api/v1/auth/register", {"email": "x@example.com", "password": "123"}, format="json"
    )
    assert taken.status_code == 400 and taken.json()["code"] == "email_taken"
    assert weak.status_code == 400 and weak.json()["errors"][0]["field"] == "password"


def test_a_wrong_password_is_401(api_client):
    user = UserFactory()
    response = api_client.post(
        "/api/v1/auth/login", {"email": user.email, "password": PASSWORD + "x"}, format="json"
    )
    assert response.status_code == 401


def test_a_personal_token_is_shown_once_and_stored_only_as_a_hash(tenant, member_client):
    # given
    client, membership = member_client(Role.VIEWER)
    # when
    created = client.post("/api/v1/auth/tokens/", {"name": "frontend"}, format="json")
    secret = created.json()["token"]
    listed = client.get("/api/v1/auth/tokens/").json()["results"]
    # then
    assert created.status_code == 201 and secret.startswith("fw_pat_")
    assert "token" not in listed[0] and listed[0]["prefix"] == secret[: len(listed[0]["prefix"])]
    assert secret not in _all_column_values(PersonalToken)
    token_client = client_for_key(secret)
    assert token_client.get("/api/v1/auth/me").json()["email"] == membership.user.email
    assert token_client.get(f"/api/v1/tenants/{tenant.slug}/").status_code == 200


def test_an_api_key_is_shown_once_and_stored_only_as_a_hash(tenant, member_client):
    # given
    admin, _ = member_client(Role.ADMIN)
    url = f"/api/v1/tenants/{tenant.slug}/api-keys/"
    # when
    created = admin.post(url, {"name": "partner"}, format="json")
    secret = created.json()["key"]
    listed = admin.get(url).json()["results"][0]
    detail = admin.get(f"{url}{listed['id']}/").json()
    # then
    assert created.status_code == 201 and secret.startswith("fw_live_")
    assert keys.is_well_formed(secret, keys.API_KEY_PREFIX)
    assert "key" not in listed and "key" not in detail
    assert secret not in _all_column_values(ApiKey)
    assert client_for_key(secret).get(f"/api/v1/tenants/{tenant.slug}/").status_code == 200


@pytest.mark.parametrize("state", ["wrong", "revoked", "expired", "malformed"])
def test_bad_api_keys_are_401(tenant, state):
    # given
    api_key = ApiKeyFactory(tenant=tenant)
    secret = api_key.secret
    if state == "wrong":
        secret = keys.generate(keys.API_KEY_PREFIX)  # well formed, unknown
    elif state == "revoked":
        ApiKey.all_tenants.filter(pk=api_key.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiKey.all_tenants.filter(pk=api_key.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    else:
        secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")  # checksum breaks
    # when
    response = client_for_key(secret).get(f"/api/v1/tenants/{tenant.slug}/")
    # then
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_malformed_key_is_refused_without_a_query():
    secret = keys.generate(keys.API_KEY_PREFIX)
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    with CaptureQueriesContext(connection) as queries, pytest.raises(AuthenticationFailed):
        authenticate_api_key(tampered)
    assert len(queries) == 0


def test_last_used_is_written_at_most_once_a_minute(tenant):
    # given
    api_key = ApiKeyFactory(tenant=tenant)
    client = client_for_key(api_key.secret)
    url = f"/api/v1/tenants/{tenant.slug}/"
    # when
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
        client.get(url)
        client.get(url)
    # then
    updates = [q for q in queries if q["sql"].startswith("UPDATE") and "last_used_at" in q["sql"]]
    assert len(updates) == 1
    assert ApiKey.all_tenants.get(pk=api_key.pk).last_used_at is not None


def test_revoking_a_key_through_the_api_makes_it_401(tenant, member_client):
    admin, _ = member_client(Role.ADMIN)
    api_key = ApiKeyFactory(tenant=tenant)
    revoked = admin.post(f"/api/v1/tenants/{tenant.slug}/api-keys/{api_key.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert client_for_key(api_key.secret).get(f"/api/v1/tenants/{tenant.slug}/").status_code == 401


def test_a_key_without_the_scope_is_403(tenant):
    api_key = ApiKeyFactory(tenant=tenant, scopes=["customers:read"])
    response = client_for_key(api_key.secret).get(f"/api/v1/tenants/{tenant.slug}/")
    assert response.status_code == 403


def test_a_token_without_the_scope_is_403(tenant, member_client):
    _, membership = member_client(Role.OWNER)
    token = PersonalTokenFactory(user=membership.user, scopes=["customers:read"])
    response = client_for_key(token.secret).get(f"/api/v1/tenants/{tenant.slug}/")
    assert response.status_code == 403


def test_unknown_scopes_are_400(tenant, member_client):
    admin, _ = member_client(Role.ADMIN)
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/api-keys/",
        {"name": "x", "scopes": ["everything"]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "scopes.0"
