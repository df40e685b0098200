"""No credential creates a credential with more rights than its own (issue 11, point 1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiKey, PersonalToken, Tenant
from accounts.roles import Role
from accounts.scopes import ALL_SCOPES, TENANTS_CREATE
from tests.accounts.factories import MembershipFactory, PersonalTokenFactory
from tests.conftest import client_for_key, client_for_user
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _token_client(user, scopes):
    token = PersonalTokenFactory(user=user, scopes=scopes)
    return client_for_key(token.secret)


def test_a_read_only_token_cannot_mint_an_all_scopes_token(tenant):
    # given a token that may only read customers
    owner = MembershipFactory(tenant=tenant, role=Role.OWNER).user
    client = _token_client(owner, ["customers:read"])
    # when it asks for a token without naming scopes, and for one with more
    default = client.post("/api/v1/auth/tokens/", {"name": "child"}, format="json")
    more = client.post(
        "/api/v1/auth/tokens/", {"name": "x", "scopes": ["tenant:write"]}, format="json"
    )
    # then the default is its own scopes and asking for more is 403
    assert default.status_code == 201 and default.json()["scopes"] == ["customers:read"]
    assert more.status_code == 403 and more.json()["code"] == "scope_escalation"
    assert PersonalToken.objects.filter(name="x").count() == 0


def test_a_minted_token_cannot_then_create_api_keys_or_edit_the_tenant(tenant):
    owner = MembershipFactory(tenant=tenant, role=Role.OWNER).user
    parent = _token_client(owner, ["customers:read"])
    child_secret = parent.post("/api/v1/auth/tokens/", {"name": "c"}, format="json").json()["token"]
    child = client_for_key(child_secret)
    key = child.post(f"/api/v1/tenants/{tenant.slug}/api-keys/", {"name": "k"}, format="json")
    edit = child.patch(f"/api/v1/tenants/{tenant.slug}/", {"name": "pwned"}, format="json")
    assert key.status_code == 403 and edit.status_code == 403
    assert ApiKey.all_tenants.filter(tenant=tenant).count() == 0
    tenant.refresh_from_db()
    assert tenant.name != "pwned"


def test_an_api_key_made_with_a_token_gets_at_most_the_tokens_scopes(tenant):
    admin = MembershipFactory(tenant=tenant, role=Role.ADMIN).user
    client = _token_client(admin, ["tenant:read", "tenant:write", "customers:read"])
    url = f"/api/v1/tenants/{tenant.slug}/api-keys/"
    default = client.post(url, {"name": "k"}, format="json")
    more = client.post(url, {"name": "k2", "scopes": ["events:write"]}, format="json")
    assert default.status_code == 201
    assert default.json()["scopes"] == ["customers:read", "tenant:read", "tenant:write"]
    assert more.status_code == 403


def test_a_session_grants_every_scope_but_tenants_create_only_by_name(tenant):
    user = MembershipFactory(tenant=tenant, role=Role.OWNER).user
    client = client_for_user(user)
    default = client.post("/api/v1/auth/tokens/", {"name": "t"}, format="json").json()
    named = client.post(
        "/api/v1/auth/tokens/", {"name": "t2", "scopes": [TENANTS_CREATE]}, format="json"
    ).json()
    assert sorted(default["scopes"]) == sorted(ALL_SCOPES)
    assert named["scopes"] == [TENANTS_CREATE]


def test_a_token_needs_the_tenants_create_scope_to_create_tenants(db):
    user = MembershipFactory(role=Role.OWNER).user
    without = _token_client(user, list(ALL_SCOPES))
    with_scope = _token_client(user, [TENANTS_CREATE])
    refused = without.post("/api/v1/tenants/", {"name": "Acme"}, format="json")
    created = with_scope.post("/api/v1/tenants/", {"name": "Acme"}, format="json")
    assert refused.status_code == 403
    assert created.status_code == 201
    assert Tenant.objects.filter(name="Acme").count() == 1


def test_creating_customers_from_events_needs_customers_write_too(tenant, key_client):
    client, _ = key_client(scopes=["events:write", "events:read"])
    url = f"/api/v1/tenants/{tenant.slug}/events/bulk/"
    body = {
        "events": [{"id": "e1", "customer_external_id": "new-1", "kind": "login"}],
        "create_missing_customers": True,
    }
    refused = client.post(url, body, format="json")
    allowed_client, _ = key_client(scopes=["events:write", "customers:write"])
    allowed = allowed_client.post(url, body, format="json")
    assert refused.status_code == 403
    assert allowed.status_code == 200 and allowed.json()["created"] == 1


def test_known_customers_need_only_events_write(tenant, key_client):
    CustomerFactory(tenant=tenant, external_id="c-1")
    client, _ = key_client(scopes=["events:write"])
    response = client.post(
        f"/api/v1/tenants/{tenant.slug}/events/bulk/",
        {"events": [{"id": "e1", "customer_external_id": "c-1", "kind": "login"}]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["created"] == 1


@pytest.mark.parametrize("path", ["auth/tokens/", "tenants/{slug}/api-keys/"])
def test_credentials_cannot_be_created_already_expired(tenant, path):
    user = MembershipFactory(tenant=tenant, role=Role.OWNER).user
    client = client_for_user(user)
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = client.post(
        f"/api/v1/{path.format(slug=tenant.slug)}",
        {"name": "old", "expires_at": past},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "expires_at"
