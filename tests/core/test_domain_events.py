"""Domain events: recorded in the transaction, handled after commit in the tenant's scope."""

import pytest
from django.db import transaction

from flywheel.core import events, subscribers
from flywheel.core.models import DomainEvent
from flywheel.core.tenancy import get_current_tenant
from tests.accounts.factories import TenantFactory


@pytest.fixture
def seen():
    calls = []

    def on_test_event(batch):
        calls.extend((event.name, event.payload, get_current_tenant()) for event in batch)

    subscribers.subscriber("test.recorder", on="test.happened")(on_test_event)
    yield calls
    subscribers.unregister("test.recorder")


@pytest.mark.django_db
def test_handlers_run_after_commit_inside_the_events_tenant(
    seen, django_capture_on_commit_callbacks
):
    # given
    tenant = TenantFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.record(tenant, "test.happened", {"n": 1})
        assert seen == []  # nothing runs before commit
    # then
    assert seen == [("test.happened", {"n": 1}, tenant)]
    assert DomainEvent.all_tenants.filter(tenant=tenant, name="test.happened").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_event_and_runs_no_handler(seen):
    # given
    tenant = TenantFactory()
    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record(tenant, "test.happened", {"n": 2})
        raise RuntimeError("rolled back")
    # then
    assert seen == []
    assert not DomainEvent.all_tenants.filter(name="test.happened").exists()


@pytest.mark.django_db
def test_record_many_stores_all_and_dispatches_once(seen, django_capture_on_commit_callbacks):
    # given
    tenant = TenantFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.record_many(tenant, "test.happened", [{"n": i} for i in range(3)])
    # then
    assert len(callbacks) == 1
    assert [payload for _, payload, _ in seen] == [{"n": 0}, {"n": 1}, {"n": 2}]


@pytest.mark.django_db
def test_wildcard_handlers_see_every_event(django_capture_on_commit_callbacks):
    # given
    names = []
    subscribers.subscriber("test.everything", on="*")(
        lambda batch: names.extend(event.name for event in batch)
    )
    tenant = TenantFactory()
    try:
        # when
        with django_capture_on_commit_callbacks(execute=True):
            events.record(tenant, "any.thing", {})
        # then
        assert "any.thing" in names
    finally:
        subscribers.unregister("test.everything")
