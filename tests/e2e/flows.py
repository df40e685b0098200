"""Steps both end-to-end runs take over HTTP: an owner registers, makes a tenant and a key."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.scopes import ALL_SCOPES
from tests.e2e.client import Client
from tests.e2e.stack import Stack

SCOPES = list(ALL_SCOPES)  # every area, read and write


@dataclass
class Tenant:
    api: Client  # with the tenant's API key
    base: str  # /api/v1/tenants/<slug>
    slug: str


def register_tenant(stack: Stack, email: str = "owner@e2e.test", slug: str = "e2e-shop") -> Tenant:
    browser = Client(stack.base)
    assert browser.get("/api/v1/auth/csrf").status == 200
    me = browser.ok("POST", "/api/v1/auth/register", {"email": email, "password": "e2e-pass-1234!"})
    assert me["email"] == email
    token = browser.ok(
        "POST", "/api/v1/auth/tokens/", {"name": "e2e", "scopes": [*SCOPES, "tenants:create"]}
    )["token"]
    owner = Client(stack.base, bearer=token)
    tenant = owner.ok(
        "POST", "/api/v1/tenants/", {"name": "E2E Shop", "slug": slug, "timezone": "UTC"}
    )
    base = f"/api/v1/tenants/{tenant['slug']}"
    key = owner.ok("POST", f"{base}/api-keys/", {"name": "e2e", "scopes": SCOPES})["key"]
    return Tenant(Client(stack.base, bearer=key), base, tenant["slug"])
