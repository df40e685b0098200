"""Each default rule fires on its trigger and not below its threshold; cool-down; once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.event_facts import fact_from_event
from flywheel.core.tenancy import tenant_scope
from tests.customers.factories import CustomerFactory, EventFactory
from tests.ugc.factories import UGCRequestFactory
from ugc.models import UGCRequest, UGCRule
from ugc.services.automation import ugc_requests_from_events, ugc_rules_ensure_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tenant):
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    return tenant, CustomerFactory(tenant=tenant)


def _run(tenant, events):
    with tenant_scope(tenant):
        return ugc_requests_from_events(tenant=tenant, events=[fact_from_event(e) for e in events])


def _event(tenant, customer, kind, value=None, **properties):
    return EventFactory(
        tenant=tenant, customer=customer, kind=kind, value=value, properties=properties
    )


@pytest.mark.parametrize(
    "kind,value,properties,expected",
    [
        ("nps", 9, {}, "testimonial"),
        ("nps", 8, {}, None),
        ("support_ticket", None, {"status": "closed", "csat": 4}, "review"),
        ("support_ticket", None, {"status": "closed", "csat": 3}, None),
        ("support_ticket", None, {"status": "opened"}, None),
        ("milestone", None, {"name": "100 orders"}, "case_study"),
        ("login", None, {}, None),
    ],
)
def test_single_event_rules(setup, kind, value, properties, expected):
    tenant, customer = setup
    created = _run(tenant, [_event(tenant, customer, kind, value, **properties)])
    assert [r.kind for r in created] == ([expected] if expected else [])


@pytest.mark.parametrize("count,fires", [(9, False), (10, True)])
def test_feature_usage_fires_at_ten_uses_of_one_feature_in_30_days(setup, count, fires):
    # given: uses of one feature, plus old and other-feature uses that do not count
    tenant, customer = setup
    events = [_event(tenant, customer, "feature_used", feature="reports") for _ in range(count)]
    EventFactory(
        tenant=tenant,
        customer=customer,
        kind="feature_used",
        properties={"feature": "reports"},
        occurred_at=timezone.now() - timedelta(days=31),
    )
    _event(tenant, customer, "feature_used", feature="export")
    # when
    created = _run(tenant, events[-1:])
    # then
    assert [r.kind for r in created] == (["screenshot"] if fires else [])


@pytest.mark.parametrize("count,fires", [(4, False), (5, True)])
def test_community_activity_fires_at_five_actions(setup, count, fires):
    tenant, customer = setup
    events = [_event(tenant, customer, "community", action="answered") for _ in range(count)]
    assert bool(_run(tenant, events)) is fires


def test_a_customer_is_not_asked_again_within_the_cool_down(setup):
    # given: asked 10 days ago (another kind), then a promoter answer
    tenant, customer = setup
    UGCRequestFactory(
        tenant=tenant,
        customer=customer,
        kind="review",
        status="submitted",
        created_at=timezone.now() - timedelta(days=10),
    )
    # when / then
    assert _run(tenant, [_event(tenant, customer, "nps", 10)]) == []


def test_after_the_cool_down_the_customer_is_asked_again(setup):
    tenant, customer = setup
    UGCRequestFactory(
        tenant=tenant,
        customer=customer,
        kind="review",
        status="submitted",
        created_at=timezone.now() - timedelta(days=31),
    )
    assert len(_run(tenant, [_event(tenant, customer, "nps", 10)])) == 1


def test_the_same_event_delivered_twice_creates_one_request(setup):
    tenant, customer = setup
    event = _event(tenant, customer, "milestone", name="launch")
    first, second = _run(tenant, [event]), _run(tenant, [event])
    assert len(first) == 1 and second == []
    assert UGCRequest.all_tenants.filter(customer=customer).count() == 1


def test_one_request_per_customer_even_when_several_rules_fire(setup):
    tenant, customer = setup
    created = _run(
        tenant,
        [_event(tenant, customer, "milestone", name="x"), _event(tenant, customer, "nps", 10)],
    )
    assert len(created) == 1


def test_inactive_rules_do_not_fire(setup):
    tenant, customer = setup
    UGCRule.all_tenants.filter(tenant=tenant, trigger="promoter").update(active=False)
    assert _run(tenant, [_event(tenant, customer, "nps", 10)]) == []


def test_a_new_tenant_gets_the_five_default_rules(api_client, django_capture_on_commit_callbacks):
    from tests.accounts.factories import UserFactory

    api_client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        slug = api_client.post("/api/v1/tenants/", {"name": "Fresh"}, format="json").json()["slug"]
    rules = UGCRule.all_tenants.filter(tenant__slug=slug)
    assert sorted(rules.values_list("trigger", "request_kind")) == [
        ("community_activity", "expert_article"),
        ("feature_usage", "screenshot"),
        ("milestone", "case_study"),
        ("positive_support", "review"),
        ("promoter", "testimonial"),
    ]
