"""With the broker refusing connections, requests still answer 2xx; when it comes back, the
sweeper delivers each event to each subscriber once (issue 13, point 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import CustomerHealth
from flywheel.celery import app as celery_app
from flywheel.core import delivery
from flywheel.core.models import DomainEvent, EventDelivery
from flywheel.core.tenancy import tenant_scope
from ugc.models import UGCRequest
from ugc.services.automation import ugc_rules_ensure_defaults

pytestmark = pytest.mark.django_db


def test_nothing_is_lost_and_nothing_repeats_across_an_outage(
    tenant, owner_client, broker_down, django_capture_on_commit_callbacks, caplog
):
    # given the default UGC rules (an NPS-10 promoter is asked for a testimonial)
    with tenant_scope(tenant):
        ugc_rules_ensure_defaults(tenant=tenant)
    base = f"/api/v1/tenants/{tenant.slug}"
    # when, with the broker down, a customer is created and sends an NPS of 10
    with django_capture_on_commit_callbacks(execute=True):
        created = owner_client.post(f"{base}/customers/", {"external_id": "c-1"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        ingested = owner_client.post(
            f"{base}/events/bulk/",
            {"events": [{"id": "n-1", "customer_external_id": "c-1", "kind": "nps", "value": 10}]},
            format="json",
        )
    # then the requests succeeded, nothing was delivered, and the failure was logged
    assert created.status_code == 201 and ingested.status_code == 200
    assert ingested.json()["created"] == 1
    assert "the sweeper will deliver them" in caplog.text
    assert not EventDelivery.all_tenants.filter(tenant=tenant).exists()
    assert not UGCRequest.all_tenants.filter(tenant=tenant).exists()
    assert not CustomerHealth.all_tenants.filter(tenant=tenant).exists()
    # when the broker is back (tasks run again) and the sweeper runs, twice
    celery_app.conf.update(task_always_eager=True)
    later = timezone.now() + timedelta(minutes=2)
    delivery.sweep(now=later)
    delivery.sweep(now=later)
    # then every handler ran exactly once
    assert UGCRequest.all_tenants.filter(tenant=tenant, kind="testimonial").count() == 1
    assert CustomerHealth.all_tenants.filter(tenant=tenant).count() == 1
    ledger = EventDelivery.all_tenants.filter(tenant=tenant)
    assert ledger.exclude(status="done").count() == 0
    assert ledger.filter(attempts__gt=1).count() == 0
    ingested_event = DomainEvent.all_tenants.get(tenant=tenant, name="events.ingested")
    assert sorted(ledger.filter(event=ingested_event).values_list("subscriber", flat=True)) == [
        "referrals.invite_promoters",
        "referrals.qualify_by_payment",
        "segments.health_after_events",
        "ugc.requests_from_events",
        "webhooks.deliver",
    ]
    assert not DomainEvent.all_tenants.filter(tenant=tenant, settled_at=None).exists()
