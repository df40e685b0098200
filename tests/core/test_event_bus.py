"""The event bus: each (subscriber, event) takes effect once, failures retry alone and park,
batches stay batches, and a broker outage loses nothing (issue 13, points 1 and 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.core import delivery, events, queue, subscribers
from flywheel.core.models import DomainEvent, EventDelivery
from flywheel.core.tenancy import get_current_tenant
from tests.accounts.factories import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bus():
    """Two subscribers of `test.thing`: `test.steady` always works, `test.flaky` fails
    `failures["left"]` times first. Both count what they took."""
    taken = {"test.steady": [], "test.flaky": []}
    failures = {"left": 0}

    def steady(batch):
        taken["test.steady"].extend(e.payload["n"] for e in batch)
        assert get_current_tenant() == batch[0].tenant

    def flaky(batch):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("downstream is down")
        taken["test.flaky"].extend(e.payload["n"] for e in batch)

    subscribers.subscriber("test.steady", on="test.thing")(steady)
    subscribers.subscriber("test.flaky", on="test.thing", max_attempts=3)(flaky)
    yield taken, failures
    subscribers.unregister("test.steady")
    subscribers.unregister("test.flaky")


def _record(tenant, count=1, capture=None):
    with capture(execute=True):
        return events.record_many(tenant, "test.thing", [{"n": n} for n in range(count)])


def test_a_failing_subscriber_retries_alone_and_the_other_runs_once(
    bus, django_capture_on_commit_callbacks
):
    # given
    taken, failures = bus
    failures["left"] = 2
    tenant = TenantFactory()
    # when (eager tasks: the retries run at once)
    recorded = _record(tenant, 3, django_capture_on_commit_callbacks)
    # then the flaky one got there on its third attempt, the steady one ran once
    assert taken == {"test.steady": [0, 1, 2], "test.flaky": [0, 1, 2]}
    ledger = EventDelivery.all_tenants.filter(event__in=recorded)
    flaky = ledger.filter(subscriber="test.flaky")
    assert {(d.status, d.attempts) for d in flaky} == {("done", 3)}
    assert {(d.status, d.attempts) for d in ledger.filter(subscriber="test.steady")} == {
        ("done", 1)
    }
    assert not DomainEvent.all_tenants.filter(pk__in=[e.pk for e in recorded], settled_at=None)


def test_a_delivery_repeated_takes_effect_once(bus, django_capture_on_commit_callbacks):
    taken, _ = bus
    tenant = TenantFactory()
    recorded = _record(tenant, 2, django_capture_on_commit_callbacks)
    ids = [e.pk for e in recorded]
    # when the same batch is delivered again (a redelivered task, a second worker)
    again = delivery.deliver("test.steady", ids)
    # then
    assert again == {"done": 0, "skipped": 2, "failed": 0, "parked": 0}
    assert taken["test.steady"] == [0, 1]


def test_after_its_last_attempt_a_subscriber_is_parked_with_its_error_and_can_be_retried(
    bus, django_capture_on_commit_callbacks
):
    taken, failures = bus
    failures["left"] = 5  # more than its three attempts
    tenant = TenantFactory()
    recorded = _record(tenant, 1, django_capture_on_commit_callbacks)
    parked = EventDelivery.all_tenants.get(subscriber="test.flaky", event=recorded[0])
    assert (parked.status, parked.attempts) == ("parked", 3)
    assert "RuntimeError: downstream is down" in parked.last_error
    assert DomainEvent.all_tenants.get(pk=recorded[0].pk).settled_at is not None
    assert delivery.sweep(now=timezone.now() + timedelta(hours=1)) == 0  # parked stays parked
    # when support staff retry it after the cause is fixed
    failures["left"] = 0
    delivery.retry_parked([parked.pk])
    # then
    parked.refresh_from_db()
    assert parked.status == "done" and taken["test.flaky"] == [0]
    assert taken["test.steady"] == [0]


def test_a_big_batch_is_one_task_per_subscriber(
    bus, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        queue,
        "send_delivery",
        lambda name, ids, countdown=None: sent.append((name, len(ids))) or True,
    )
    tenant = TenantFactory()
    _record(tenant, 1000, django_capture_on_commit_callbacks)
    assert sorted(sent) == [("test.flaky", 1000), ("test.steady", 1000), ("webhooks.deliver", 1000)]


def test_an_event_nobody_takes_is_settled_at_once(django_capture_on_commit_callbacks, monkeypatch):
    # (webhooks takes every event; without it nobody takes this one)
    monkeypatch.delitem(subscribers._registry, "webhooks.deliver")
    tenant = TenantFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (event,) = events.record_many(tenant, "nobody.listens", [{}])
    assert callbacks == [] and event.settled_at is not None


def test_the_sweeper_delivers_what_an_enqueue_lost(
    bus, django_capture_on_commit_callbacks, monkeypatch
):
    taken, _ = bus
    tenant = TenantFactory()
    with monkeypatch.context() as patched:
        patched.setattr(queue, "send_delivery", lambda *args, **kwargs: False)  # lost
        recorded = _record(tenant, 2, django_capture_on_commit_callbacks)
    assert taken["test.steady"] == []
    # a sweep within the grace period leaves them to their own tasks
    assert delivery.sweep() == 0
    # when the sweeper runs after the grace period, twice
    later = timezone.now() + timedelta(minutes=2)
    first, second = delivery.sweep(now=later), delivery.sweep(now=later)
    # then each subscriber took each event once (one task each: the two test subscribers and
    # the webhooks app, which takes every event)
    assert first == 3 and second == 0
    assert taken == {"test.steady": [0, 1], "test.flaky": [0, 1]}
    assert not DomainEvent.all_tenants.filter(pk__in=[e.pk for e in recorded], settled_at=None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_batch_take_effect_once(bus, monkeypatch):
    from tests.concurrency import run_concurrently

    taken, _ = bus
    tenant = TenantFactory()
    with monkeypatch.context() as patched:  # recorded, not delivered yet
        patched.setattr(queue, "send_delivery", lambda *args, **kwargs: True)
        recorded = events.record_many(tenant, "test.thing", [{"n": n} for n in range(20)])
    ids = [e.pk for e in recorded]
    outcomes = run_concurrently(lambda: delivery.deliver("test.steady", ids), 10)
    assert sorted(taken["test.steady"]) == list(range(20))
    assert sum(o["done"] for o in outcomes) == 20
    assert EventDelivery.all_tenants.filter(subscriber="test.steady").count() == 20


def test_support_staff_see_a_parked_delivery_with_its_error_and_retry_it(
    bus, client, django_capture_on_commit_callbacks
):
    from tests.accounts.factories import UserFactory

    taken, failures = bus
    failures["left"] = 5
    tenant = TenantFactory()
    _record(tenant, 1, django_capture_on_commit_callbacks)
    parked = EventDelivery.all_tenants.get(subscriber="test.flaky")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # the list shows it with its status, the page with its error
    listed = client.get("/admin/core/eventdelivery/", {"status__exact": "parked"})
    page = client.get(f"/admin/core/eventdelivery/{parked.pk}/change/")
    assert listed.status_code == 200 and "test.flaky" in listed.content.decode()
    assert "downstream is down" in page.content.decode()
    # the retry action delivers it once the cause is gone
    failures["left"] = 0
    client.post(
        "/admin/core/eventdelivery/",
        {"action": "retry", "confirmed": "yes", "_selected_action": [parked.pk]},
    )
    parked.refresh_from_db()
    assert parked.status == "done" and taken["test.flaky"] == [0]


def test_tasks_sent_by_name_resolve_in_a_fresh_web_process():
    # a web process never ran Celery's autodiscovery; sending by name must still find them
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'flywheel.settings.test'; "
        "django.setup(); from flywheel.core import queue; "
        "from metrics.services.jobs import JOB_TASK; "
        "from webhooks import emails, services; "
        "[queue.task(n) for n in (JOB_TASK, emails.SEND_TASK, services.SEND_TASK, "
        "queue.DELIVER_TASK)]; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
