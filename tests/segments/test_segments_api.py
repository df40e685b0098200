"""Scoring models, market segments with score and rank, sizing, health model, saved segments."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from tests.customers.factories import CustomerFactory
from tests.segments.factories import CRITERIA, CustomerSegmentFactory, ScoringModelFactory

pytestmark = pytest.mark.django_db
SEED_ROWS = {
    "A": (5, 5, 3, 2, 5, 5),
    "B": (2, 5, 5, 4, 2, 4),
    "C": (5, 4, 2, 2, 5, 3),
    "D": (3, 5, 1, 5, 2, 1),
    "E": (4, 3, 5, 3, 2, 3),
}


@pytest.fixture
def admin(member_client):
    return member_client(Role.ADMIN)[0]


def test_the_seed_rows_score_and_rank_through_the_api(tenant, admin):
    # given
    model = ScoringModelFactory(tenant=tenant, is_default=True)
    base = f"/api/v1/tenants/{tenant.slug}/market-segments/"
    keys = [c["key"] for c in CRITERIA]
    for name, ratings in SEED_ROWS.items():
        created = admin.post(
            base,
            {"name": name, "model": model.pk, "ratings": dict(zip(keys, ratings, strict=True))},
            format="json",
        )
        assert created.status_code == 201, created.content
    # when
    listed = {s["name"]: (s["score"], s["rank"]) for s in admin.get(base).json()["results"]}
    ranking = admin.get(f"{base}ranking/").json()
    # then
    assert listed == {
        "A": ("4.20", 1),
        "B": ("3.50", 3),
        "C": ("3.70", 2),
        "D": ("3.20", 4),
        "E": ("3.20", 5),
    }
    assert [(r["rank"], r["name"], r["score"]) for r in ranking] == [
        (1, "A", "4.20"),
        (2, "C", "3.70"),
        (3, "B", "3.50"),
        (4, "D", "3.20"),
        (5, "E", "3.20"),
    ]


@pytest.mark.parametrize(
    "weights,ok",
    [
        (["20", "20", "10", "20", "20", "10"], True),
        (["20", "20", "10", "20", "20", "9.99"], False),
        (["33.33", "33.33", "33.34"], True),
    ],
)
def test_scoring_model_weights_must_sum_to_100(tenant, admin, weights, ok):
    criteria = [{"key": f"c{i}", "label": f"C{i}", "weight": w} for i, w in enumerate(weights)]
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/scoring-models/",
        {"name": "m", "criteria": criteria},
        format="json",
    )
    assert (response.status_code == 201) is ok
    if not ok:
        assert response.json()["errors"][0]["field"] == "criteria"


@pytest.mark.parametrize(
    "ratings",
    [
        {c["key"]: 6 for c in CRITERIA},
        {c["key"]: 0 for c in CRITERIA},
        {c["key"]: 3 for c in CRITERIA[:-1]},
        {**{c["key"]: 3 for c in CRITERIA}, "extra": 3},
    ],
)
def test_ratings_must_cover_the_criteria_on_the_scale(tenant, admin, ratings):
    model = ScoringModelFactory(tenant=tenant)
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/market-segments/",
        {"name": "x", "model": model.pk, "ratings": ratings},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "ratings"


def test_market_sizing_reproduces_table_1_3(tenant, admin):
    body = {
        "market_customers": 1198,
        "average_arr": "15000",
        "targeted_groups": ["innovators", "early_adopters", "early_majority"],
        "market_shares": [25, 50, 70],
    }
    computed = admin.post(
        f"/api/v1/tenants/{tenant.slug}/market-sizing/compute/", body, format="json"
    ).json()
    saved = admin.post(
        f"/api/v1/tenants/{tenant.slug}/market-sizing/", {**body, "name": "EU"}, format="json"
    )
    assert saved.status_code == 201 and saved.json()["table"] == computed
    assert [g["customers_rounded"] for g in computed["groups"]] == ["30", "162", "407"]
    assert [g["arr_potential"] for g in computed["groups"]] == [
        "449250.00",
        "2425950.00",
        "6109800.00",
    ]
    assert (computed["total_customers"], computed["total_arr_potential"]) == ("599", "8985000.00")
    assert [g["arr_at_share"]["25"] for g in computed["groups"]] == ["112313", "606488", "1527450"]
    assert computed["total_arr_at_share"] == {"25": "2246250", "50": "4492500", "70": "6289500"}


def test_sizing_refuses_unknown_groups(tenant, admin):
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/market-sizing/compute/",
        {
            "market_customers": 10,
            "average_arr": "1",
            "targeted_groups": ["martians"],
            "market_shares": [10],
        },
        format="json",
    )
    assert response.status_code == 400


def test_health_model_get_put_and_validation(tenant, admin):
    url = f"/api/v1/tenants/{tenant.slug}/health-model/"
    assert admin.get(url).json()["weights"] == {
        "login_frequency": "25.00",
        "feature_usage": "30.00",
        "support_tickets": "20.00",
        "payment_history": "25.00",
    }
    good = {
        "weights": {
            "login_frequency": 40,
            "feature_usage": 20,
            "support_tickets": 20,
            "payment_history": 20,
        },
        "key_features": ["reports"],
        "target_logins_per_week": 5,
        "ticket_threshold": 3,
        "green_threshold": 75,
        "yellow_threshold": 45,
    }
    assert admin.put(url, good, format="json").status_code == 200
    assert (
        admin.put(
            url, {**good, "weights": {**good["weights"], "feature_usage": 10}}, format="json"
        ).status_code
        == 400
    )
    assert admin.put(url, {**good, "yellow_threshold": 80}, format="json").status_code == 400


def test_recompute_is_accepted_for_admins_only(tenant, admin, member_client):
    url = f"/api/v1/tenants/{tenant.slug}/health-model/recompute/"
    assert admin.post(url).status_code == 202
    assert member_client(Role.MEMBER)[0].post(url).status_code == 403


def test_saved_segment_members_equal_the_customer_list(tenant, admin):
    # given
    for stage, channel in (("customer", "referral"), ("customer", "paid"), ("lead", "referral")):
        CustomerFactory(tenant=tenant, stage=stage, acquisition_channel=channel, tags=["eu"])
    filters = {"stage": ["customer"], "acquisition_channel": ["referral"], "tags": "eu"}
    created = admin.post(
        f"/api/v1/tenants/{tenant.slug}/customer-segments/",
        {"name": "Referred customers", "filters": filters},
        format="json",
    )
    # when
    members = admin.get(
        f"/api/v1/tenants/{tenant.slug}/customer-segments/{created.json()['id']}/customers/"
    ).json()["results"]
    listed = admin.get(
        f"/api/v1/tenants/{tenant.slug}/customers/",
        {"stage": "customer", "acquisition_channel": "referral", "tags": "eu"},
    ).json()["results"]
    # then
    assert created.json()["count"] == 1
    assert [m["id"] for m in members] == [c["id"] for c in listed]


@pytest.mark.parametrize("filters", [{"stage": ["king"]}, {"colour": "red"}, ["stage"]])
def test_an_invalid_saved_filter_is_400(tenant, admin, filters):
    response = admin.post(
        f"/api/v1/tenants/{tenant.slug}/customer-segments/",
        {"name": "bad", "filters": filters},
        format="json",
    )
    assert response.status_code == 400


def test_segment_list_queries_do_not_grow_with_the_page(tenant, admin):
    for _ in range(4):
        CustomerSegmentFactory(tenant=tenant)
    url = f"/api/v1/tenants/{tenant.slug}/customer-segments/"
    counts = []
    for limit in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url, {"limit": limit}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_new_tenant_gets_the_default_scoring_model(
    api_client, django_capture_on_commit_callbacks
):
    from segments.models import ScoringModel
    from tests.accounts.factories import UserFactory

    api_client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        slug = api_client.post("/api/v1/tenants/", {"name": "New"}, format="json").json()["slug"]
    model = ScoringModel.all_tenants.get(tenant__slug=slug)
    assert model.is_default and sum(D(c["weight"]) for c in model.criteria) == 100


@pytest.mark.parametrize(
    "model",
    [
        "scoringmodel",
        "marketsegment",
        "marketsizing",
        "healthmodel",
        "healthchange",
        "healthalert",
        "customersegment",
    ],
)
def test_every_segments_admin_list_renders(client, model):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory
    from tests.segments.factories import MarketSegmentFactory, MarketSizingFactory

    MarketSegmentFactory()
    MarketSizingFactory()
    CustomerSegmentFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:segments_{model}_changelist")).status_code == 200


def test_a_created_or_changed_segment_answers_its_score_and_rank_like_a_get(tenant, admin):
    # given a model with two criteria and one segment
    base = f"/api/v1/tenants/{tenant.slug}"
    model = admin.post(
        f"{base}/scoring-models/",
        {
            "name": "M",
            "criteria": [
                {"key": "a", "label": "A", "weight": "60"},
                {"key": "b", "label": "B", "weight": "40"},
            ],
        },
        format="json",
    ).json()
    first = admin.post(
        f"{base}/market-segments/",
        {"name": "One", "model": model["id"], "ratings": {"a": 1, "b": 1}},
        format="json",
    )
    # when a second one is created and the first changed
    second = admin.post(
        f"{base}/market-segments/",
        {"name": "Two", "model": model["id"], "ratings": {"a": 3, "b": 2}},
        format="json",
    )
    changed = admin.patch(
        f"{base}/market-segments/{first.json()['id']}/",
        {"ratings": {"a": 5, "b": 4}},
        format="json",
    )
    # then every write answers what a following GET shows
    assert first.status_code == 201 and first.json()["score"] == "1.00"
    assert second.json()["score"] == "2.60" and second.json()["rank"] == 1
    assert changed.json()["score"] == "4.60" and changed.json()["rank"] == 1
    for answer in (changed.json(),):
        assert admin.get(f"{base}/market-segments/{answer['id']}/").json() == answer
    assert admin.get(f"{base}/market-segments/{second.json()['id']}/").json()["rank"] == 2


@pytest.mark.parametrize("shares", [[10, 20, 30, 20, 10], [2.5, 13.5, 34, 34, 16.5]])
def test_adoption_groups_must_add_up_to_100(tenant, admin, shares):
    keys = ["innovators", "early_adopters", "early_majority", "late_majority", "laggards"]
    body = {
        "market_customers": 1198,
        "average_arr": "15000",
        "groups": [[k, s] for k, s in zip(keys, shares, strict=True)],
        "targeted_groups": ["innovators"],
        "market_shares": [25],
    }
    url = f"/api/v1/tenants/{tenant.slug}/market-sizing/compute/"
    response = admin.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "groups"
