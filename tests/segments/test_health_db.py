"""Health through the database path (aggregate SQL + formula) for hand-built customers."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from customers.models import CustomerHealth
from flywheel.core.models import DomainEvent
from flywheel.core.tenancy import tenant_scope
from segments.models import HealthAlert, HealthChange
from segments.services.health import health_model_get, health_recompute
from tests.customers.factories import CustomerFactory, EventFactory


def _health(customer) -> CustomerHealth | None:
    """The customer's stored health (None before its first scoring)."""
    return CustomerHealth.all_tenants.filter(customer=customer).first()


AS_OF = datetime(2026, 11, 1, 12, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def _events(tenant, customer, kind, count, days_ago=1, **properties):
    for _ in range(count):
        EventFactory(
            tenant=tenant,
            customer=customer,
            kind=kind,
            properties=properties,
            value=properties.pop("value", None) if "value" in properties else None,
            occurred_at=AS_OF - timedelta(days=days_ago),
        )


@pytest.fixture
def model(tenant):
    with tenant_scope(tenant):
        model = health_model_get(tenant=tenant)
    model.key_features = ["reports", "export", "api", "alerts"]
    model.save()
    return model


def _recompute(tenant, **kwargs):
    with tenant_scope(tenant):
        return health_recompute(tenant=tenant, as_of=AS_OF, **kwargs)


def test_hand_built_customers_get_the_expected_scores(tenant, model):
    # given
    perfect = CustomerFactory(tenant=tenant)
    _events(tenant, perfect, "login", 20)
    for feature in ("reports", "export", "api", "alerts"):
        _events(tenant, perfect, "feature_used", 1, feature=feature)
    _events(tenant, perfect, "payment", 3, status="paid")
    silent = CustomerFactory(tenant=tenant)  # no events at all: 0 + 0 + 100 + 100
    two_a_week = CustomerFactory(tenant=tenant)  # 8 logins: 40; no features: 0
    _events(tenant, two_a_week, "login", 8)
    late = CustomerFactory(tenant=tenant)  # logins 20 -> 100, 2 of 3 paid, 3 tickets -> 50
    _events(tenant, late, "login", 20)
    _events(tenant, late, "payment", 2, status="paid")
    _events(tenant, late, "payment", 1, status="late")
    _events(tenant, late, "support_ticket", 3, status="opened")
    old = CustomerFactory(tenant=tenant)  # events outside every window count for nothing
    _events(tenant, old, "login", 30, days_ago=29)
    _events(tenant, old, "support_ticket", 6, days_ago=31, status="opened")
    # when
    _recompute(tenant)
    # then
    expected = {
        perfect: (D("100.0"), "green", []),
        silent: (D("45.0"), "yellow", ["risk_alert", "education"]),
        two_a_week: (D("55.0"), "yellow", ["education"]),
        # 25 + 0 + 20 x 0.5 + 25 x 0.6667 = 51.67 -> 51.7
        late: (D("51.7"), "yellow", ["education", "retention_campaign"]),
        old: (D("45.0"), "yellow", ["risk_alert", "education"]),
    }
    for customer, (score, band, alerts) in expected.items():
        health = _health(customer)
        assert (health.score, health.band, health.alerts) == (
            score,
            band,
            alerts,
        ), customer.external_id
    assert _health(late).components == {
        "login_frequency": 100.0,
        "feature_usage": 0.0,
        "support_tickets": 50.0,
        "payment_history": 66.7,
    }


def test_without_key_features_usage_is_left_out(tenant, model):
    model.key_features = []
    model.save()
    customer = CustomerFactory(tenant=tenant)
    _events(tenant, customer, "login", 10)  # 50
    _events(tenant, customer, "payment", 1, status="paid")
    _events(tenant, customer, "payment", 1, status="failed")  # 50
    _recompute(tenant)
    # (25 x 50 + 20 x 100 + 25 x 50) / 70 = 64.2857 -> 64.3
    health = _health(customer)
    assert (health.score, health.band) == (D("64.3"), "yellow")
    assert "feature_usage" not in health.components


def test_band_changes_are_recorded_and_announced_once(tenant, model):
    # given: a first computation, then the customer improves
    customer = CustomerFactory(tenant=tenant)
    _recompute(tenant)
    for feature in ("reports", "export", "api", "alerts"):
        _events(tenant, customer, "feature_used", 1, feature=feature)
    _events(tenant, customer, "login", 20)
    # when: computed twice
    first, again = _recompute(tenant), _recompute(tenant)
    # then
    assert first["band_changes"] == 1 and again == {
        "customers": 0,
        "band_changes": 0,
        "alerts_started": 0,
        "alerts_ended": 0,
    }
    history = list(
        HealthChange.all_tenants.filter(customer=customer).values_list("from_band", "to_band")
    )
    assert history == [("yellow", "green")]  # the first band is a start, not a change
    assert _health(customer).band_since == AS_OF
    events = DomainEvent.all_tenants.filter(name="customer.health_changed")
    assert [e.payload["to"] for e in events] == ["green"]  # the first band is not an event
    alerts = HealthAlert.all_tenants.filter(customer=customer).order_by("kind")
    assert [(a.kind, a.ended_at is not None) for a in alerts] == [
        ("education", True),
        ("risk_alert", True),
    ]


def test_one_customer_can_be_recomputed_alone(tenant, model):
    a, b = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    counts = _recompute(tenant, customer_ids=[a.pk])
    assert counts["customers"] == 1 and _health(a) is not None and _health(b) is None


@pytest.mark.postgres
def test_writes_in_batches_give_the_same_result(tenant, model, monkeypatch):
    # given: five customers with different activity, written two at a time
    import segments.services.health

    monkeypatch.setattr(segments.services.health, "FLUSH_ROWS", 2)
    customers = [CustomerFactory(tenant=tenant) for _ in range(5)]
    for count, customer in enumerate(customers):
        _events(tenant, customer, "login", 4 * count)
    # when
    counts = _recompute(tenant)
    # then: every customer scored once, as a single batch would
    assert counts["customers"] == 5
    scores = [_health(c).score for c in customers]
    assert scores == sorted(scores) and len(set(scores)) > 1
    assert CustomerHealth.all_tenants.filter(tenant=tenant).count() == 5
    assert _recompute(tenant)["customers"] == 0


def test_alerts_found_at_the_first_scoring_are_emitted(tenant, model):
    # given a new customer who starts red and paying late
    newcomer = CustomerFactory(tenant=tenant)
    _events(tenant, newcomer, "payment", 2, status="late")
    # when
    _recompute(tenant)
    # then one event per alert, marked as found at the first scoring
    events = DomainEvent.all_tenants.filter(tenant=tenant, name="customer.health_alert")
    alerts = sorted(e.payload["alert"] for e in events)
    assert "retention_campaign" in alerts and "risk_alert" in alerts
    assert {e.payload["first_scoring"] for e in events} == {True}
    assert {e.payload["customer_id"] for e in events} == {newcomer.pk}
    assert HealthAlert.all_tenants.filter(customer=newcomer).count() == len(alerts)


def test_first_scoring_alerts_can_be_switched_off_for_imports(tenant, model):
    model.first_scoring_alerts = False
    model.save()
    imported = CustomerFactory(tenant=tenant)
    _events(tenant, imported, "payment", 1, status="failed")
    _recompute(tenant)
    assert not DomainEvent.all_tenants.filter(tenant=tenant, name="customer.health_alert").exists()
    assert HealthAlert.all_tenants.filter(customer=imported).exists()  # still recorded


def test_a_big_first_fill_emits_its_alerts_in_one_domain_event_write(tenant, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(30):
        CustomerFactory(tenant=tenant)  # no events: risk_alert and education each
    with CaptureQueriesContext(connection) as queries:
        _recompute(tenant)
    inserts = [q for q in queries if "core_domainevent" in q["sql"] and "INSERT" in q["sql"]]
    assert len(inserts) == 1
    events = DomainEvent.all_tenants.filter(tenant=tenant, name="customer.health_alert")
    assert events.count() == 60


def test_a_full_recompute_writes_the_days_summary_over_active_customers(tenant, model):
    from segments.models import HealthSummary
    from segments.selectors import health_summary_at

    # given two active customers and a lead
    active = [CustomerFactory(tenant=tenant, stage="customer") for _ in range(2)]
    _events(tenant, active[0], "login", 20)
    CustomerFactory(tenant=tenant)  # a lead: scored, not in the summary
    # when: two recomputes on one day, one the next day
    _recompute(tenant)
    with tenant_scope(tenant):
        health_recompute(tenant=tenant, as_of=AS_OF + timedelta(hours=2))
        health_recompute(tenant=tenant, as_of=AS_OF + timedelta(days=1))
        # then one summary a day, the day's last recompute winning
        summaries = list(HealthSummary.objects.order_by("day"))
        assert [s.day.isoformat() for s in summaries] == ["2026-11-01", "2026-11-02"]
        assert summaries[0].computed_at == AS_OF + timedelta(hours=2)
        assert summaries[0].customers == 2
        scores = sorted(_health(c).score for c in active)
        assert summaries[0].score_sum == sum(scores)
        assert summaries[0].green + summaries[0].yellow + summaries[0].red == 2
        # and the one in force at a moment is the last written before it; none before the first
        assert health_summary_at(moment=AS_OF) is None
        assert health_summary_at(moment=AS_OF + timedelta(hours=3)).pk == summaries[0].pk
