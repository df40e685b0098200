"""Isolation from inside one's own tenant: tenant B, on B's own URLs, never sees or touches A.

The other matrix (test_isolation.py) sends B's credentials to A's URLs; this one keeps B on
its own URLs, where only the scoped manager stands between B and A's rows: lists, filters,
search, ordering, cursors, exports, timelines, detail routes with A's ids, A's ids in request
bodies, and domain-event subscribers. The last test removes the manager's tenant filter and
checks that this suite notices (issue 13, point 4).
"""

import csv
import io

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from flywheel.core import tenancy
from tests import app_role
from tests.accounts.factories import MembershipFactory, TenantFactory
from tests.core.test_isolation import ROUTES, _url
from tests.isolation import FACTORIES

pytestmark = pytest.mark.django_db
LIST_ACTIONS = {"list", "ranking", "export", "get"}


@pytest.fixture
def world():
    """Tenants A and B with one object of every registered model each, and B's owner."""
    tenant_a, tenant_b = TenantFactory(), TenantFactory()
    objects = {
        model: (factory(tenant_a), factory(tenant_b)) for model, factory in FACTORIES.items()
    }
    owner_b = APIClient()
    owner_b.force_login(MembershipFactory(tenant=tenant_b, role=Role.OWNER).user)
    return tenant_a, tenant_b, objects, owner_b


def _ids(response) -> set:
    """The ids a JSON or CSV answer mentions (results of a page, a list, or one object)."""
    if response["Content-Type"].startswith("text/csv"):
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        return {("period_start", row["period_start"]) for row in rows}
    body = response.json()
    items = body.get("results", [body]) if isinstance(body, dict) else body
    return {item.get("id") for item in items if isinstance(item, dict)}


def _pages(client, url, params):
    """Every page of a list, following `next` (cursor pagination)."""
    response = client.get(url, params)
    yield response
    for _ in range(20):
        body = response.json() if response["Content-Type"].startswith("application/json") else {}
        if not isinstance(body, dict) or not body.get("next"):
            return
        response = client.get(body["next"])
        yield response


def leaks(world) -> list[str]:
    """Every place where B, on its own URLs, sees or reaches A's objects."""
    _, tenant_b, objects, owner_b = world
    found = []
    for route, name, view_class, actions in ROUTES:
        model = getattr(view_class, "model", None)
        if model is None:
            continue
        obj_a, _ = objects[model]
        has_lookup = "(?P<" in route
        if has_lookup:
            # A's object through B's URL: not found, whatever the method
            url = _url(name, route, view_class, tenant_b, obj_a)
            for method in list(actions):
                response = getattr(owner_b, method)(url, data={}, format="json")
                if response.status_code not in (404, 405):  # 405: the method is not served
                    found.append(f"{method.upper()} {name} with A's object: {response.status_code}")
            continue
        if "get" not in actions or actions["get"] not in LIST_ACTIONS:
            continue
        url = _url(name, route, view_class, tenant_b, None)
        for params in ({}, {"ordering": "-id"}, {"limit": 1}, {"search": str(obj_a.pk)}):
            for response in _pages(owner_b, url, params):
                if response.status_code != 200:
                    continue
                seen = _ids(response)
                if obj_a.pk in seen:
                    found.append(f"GET {name} {params} lists A's {model.__name__}")
                if model.__name__ == "KpiSnapshot" and response["Content-Type"].startswith(
                    "text/csv"
                ):
                    rows = response.content.decode().count("\n") - 1
                    if rows > 1:
                        found.append(f"GET {name} exports {rows} snapshots for B's one")
    return found


def test_b_on_its_own_urls_never_sees_or_reaches_a(world):
    assert leaks(world) == []


def test_b_still_sees_its_own_objects(world):
    # (so the test above is not passing on empty pages)
    _, tenant_b, objects, owner_b = world
    customers = owner_b.get(f"/api/v1/tenants/{tenant_b.slug}/customers/").json()["results"]
    from customers.models import Customer

    _, own = objects[Customer]
    assert own.pk in {c["id"] for c in customers}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "referral-links/",
            lambda a, b: {"customer": a["Customer"].pk, "program": b["ReferralProgram"].pk},
        ),
        (
            "referral-links/",
            lambda a, b: {"customer": b["Customer"].pk, "program": a["ReferralProgram"].pk},
        ),
        ("ugc-requests/", lambda a, b: {"customer": a["Customer"].pk, "kind": "review"}),
        ("referrals/", lambda a, b: {"code": a["ReferralLink"].code, "referee": b["Customer"].pk}),
        ("events/", lambda a, b: {"customer": a["Customer"].pk, "kind": "login"}),
        ("customers/", lambda a, b: {"referred_by": a["Customer"].pk}),
        (
            "market-segments/",
            lambda a, b: {"name": "x", "model": a["ScoringModel"].pk, "ratings": {}},
        ),
    ],
)
def test_as_ids_in_request_bodies_are_refused(world, path, body):
    _, tenant_b, objects, owner_b = world
    mine = {model.__name__: pair[1] for model, pair in objects.items()}
    theirs = {model.__name__: pair[0] for model, pair in objects.items()}
    counts = {model: model.all_tenants.count() for model in FACTORIES}
    response = owner_b.post(
        f"/api/v1/tenants/{tenant_b.slug}/{path}", body(theirs, mine), format="json"
    )
    assert response.status_code in (400, 404), response.content
    assert {model: model.all_tenants.count() for model in FACTORIES} == counts


def test_subscribers_of_b_use_only_bs_rules_and_rows(world, django_capture_on_commit_callbacks):
    from customers.models import Customer, CustomerHealth
    from ugc.models import UGCRequest, UGCRule

    tenant_a, tenant_b, objects, owner_b = world
    UGCRule.all_tenants.filter(tenant=tenant_b).delete()  # A keeps its promoter rule
    customer_b = objects[Customer][1]
    health_a = list(CustomerHealth.all_tenants.filter(tenant=tenant_a).values_list("pk", "score"))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_b.post(
            f"/api/v1/tenants/{tenant_b.slug}/events/",
            {"customer": customer_b.pk, "kind": "nps", "value": 10},
            format="json",
        )
    assert response.status_code == 201
    assert not UGCRequest.all_tenants.filter(tenant=tenant_b, trigger="promoter").exists()
    assert health_a == list(
        CustomerHealth.all_tenants.filter(tenant=tenant_a).values_list("pk", "score")
    )


def test_without_the_managers_tenant_filter_only_the_database_floor_stops_leaks(world, monkeypatch):
    # given the mutation: the scoped manager forgets to filter by the tenant
    def unfiltered(self):
        queryset = super(tenancy.TenantManager, self).get_queryset()
        if tenancy.get_current_tenant() is None:
            unscoped = queryset.none()
            unscoped._unscoped = True
            return unscoped
        return queryset

    monkeypatch.setattr(tenancy.TenantManager, "get_queryset", unfiltered)
    if app_role.active():
        # then, as the application's role, row-level security still shows B only B's rows
        assert leaks(world) == []
    # and as the tables' owner (no floor) B sees A's rows, and the suite says so
    with app_role.as_owner():
        found = leaks(world)
    assert any("lists A's Customer" in leak for leak in found), found
    assert any("with A's object" in leak for leak in found), found
