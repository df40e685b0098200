"""Cross-tenant isolation over every tenant route, discovered from the URLconf.

Tenant B's owner and B's API key (all scopes) try every method of every route under
`/api/v1/tenants/{tenant}/` against tenant A's URL and A's objects: always 404, no A data in
the body, A's rows unchanged. A's own owner reaching the same URLs proves the URLs are real.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.generics import GenericAPIView

from accounts.roles import Role
from accounts.tenant_api import TenantGenericMixin, TenantScopedMixin
from tests.accounts.factories import ApiKeyFactory, MembershipFactory, TenantFactory
from tests.conftest import client_for_key, client_for_user
from tests.isolation import FACTORIES

TENANT_PREFIX = "api/v1/tenants/<slug:tenant>/"
KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def tenant_routes():
    """(route, name, view class, {method: action}) of every route under the tenant prefix."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(TENANT_PREFIX):
            continue
        view_class = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None)
        if actions is None and view_class is not None:
            actions = {
                method: method
                for method in ("get", "post", "put", "patch", "delete")
                if hasattr(view_class, method)
            }
        routes.append((route, pattern.name, view_class, actions or {}))
    return routes


ROUTES = tenant_routes()


def test_the_harness_found_the_tenant_routes():
    names = {name for _, name, _, _ in ROUTES}
    assert {"tenant-detail", "member-list", "member-detail", "api-key-list"} <= names


@pytest.mark.parametrize("route,name,view_class,actions", ROUTES, ids=[r[1] for r in ROUTES])
def test_every_tenant_route_uses_the_scoping_base_without_overriding_it(
    route, name, view_class, actions
):
    assert view_class is not None and issubclass(view_class, TenantScopedMixin), route
    allowed = {TenantGenericMixin, GenericAPIView}
    for klass in view_class.__mro__:
        if "get_queryset" in klass.__dict__:
            assert klass in allowed or not klass.__module__.startswith(
                (
                    "flywheel",
                    "accounts",
                    "customers",
                    "referrals",
                    "ugc",
                    "segments",
                    "metrics",
                    "webhooks",
                )
            ), f"{klass.__name__} overrides get_queryset"


def _url(name: str, route: str, view_class, tenant, obj) -> str:
    kwargs = {"tenant": tenant.slug}
    names = {a or b for a, b in KWARG.findall(route)} - {"tenant", "format"}
    lookup = getattr(view_class, "lookup_url_kwarg", None) or getattr(
        view_class, "lookup_field", "pk"
    )
    if lookup in names:
        kwargs[lookup] = getattr(obj, getattr(view_class, "lookup_field", "pk"))
        names.discard(lookup)
    assert not names, f"{route}: the isolation harness does not know kwargs {names}"
    return reverse(name, kwargs=kwargs)


def _markers(tenant, obj) -> list[str]:
    values = [tenant.slug, tenant.name]
    if obj is not None:
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if isinstance(value, str) and len(value) >= 6:
                values.append(value)
    return values


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,view_class,actions", ROUTES, ids=[r[1] for r in ROUTES])
def test_other_tenants_credentials_get_404_and_no_data(route, name, view_class, actions):
    # given: tenant A with an object of the route's model, and tenant B's owner and key
    tenant_a, tenant_b = TenantFactory(), TenantFactory()
    owner_a = MembershipFactory(tenant=tenant_a, role=Role.OWNER).user
    model = getattr(view_class, "model", None)
    obj = None
    if model is not None:
        assert model in FACTORIES, f"register a factory for {model.__name__} in tests/isolation.py"
        obj = FACTORIES[model](tenant_a)
    url = _url(name, route, view_class, tenant_a, obj)
    intruders = {
        "user": client_for_user(MembershipFactory(tenant=tenant_b, role=Role.OWNER).user),
        "api_key": client_for_key(ApiKeyFactory(tenant=tenant_b).secret),
    }
    rows_before = (
        sorted(model.all_tenants.filter(tenant=tenant_a).values_list("pk", flat=True))
        if model
        else None
    )

    for who, client in intruders.items():
        for method in list(actions):
            # when
            response = getattr(client, method)(url, data={}, format="json")
            # then
            assert response.status_code == 404, (who, method, url, response.content)
            body = response.content.decode()
            for marker in _markers(tenant_a, obj):
                assert marker not in body, (who, method, url, marker)

    if model is not None:
        after = sorted(model.all_tenants.filter(tenant=tenant_a).values_list("pk", flat=True))
        assert after == rows_before
    # and A's own owner reaches the same URL (so the 404s above are not a broken URL)
    if "get" in actions:
        assert client_for_user(owner_a).get(url).status_code == 200
