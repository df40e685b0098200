"""A seeded tenant (a small demo history with snapshots, health, referrals, UGC, a webhook
endpoint and a parked delivery) and staff clients with the support groups."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Tenant
from flywheel.core.models import DomainEvent, EventDelivery
from flywheel.core.tenancy import tenant_scope
from metrics.services.jobs import recompute_range
from referrals.demo import referrals_seed
from segments.services.health import health_recompute
from tests.accounts.factories import UserFactory
from tests.ugc.factories import UGCRequestFactory
from tests.webhooks.factories import WebhookDeliveryFactory, WebhookEndpointFactory


@pytest.fixture
def seeded(db):
    """A tenant with four months of history and everything the overview shows."""
    owner = UserFactory(email="owner@seeded.test")
    tenant = accounts_services.tenant_create(owner=owner, name="Seeded GmbH", slug="seeded")
    call_command("seed_demo", tenant="seeded", customers=60, days=120, seed=7, verbosity=0)
    tenant = Tenant.objects.get(slug="seeded")
    with tenant_scope(tenant):
        referrals_seed(tenant=tenant)
        health_recompute(tenant=tenant)
        today = timezone.now().date()
        recompute_range(
            tenant=tenant, granularity="month", since=today - timedelta(days=120), until=today
        )
        accounts_services.api_key_create(tenant=tenant, name="partner key", created_by=owner)
        endpoint = WebhookEndpointFactory(tenant=tenant, url="https://hooks.partner.test/in")
        WebhookDeliveryFactory(
            tenant=tenant, endpoint=endpoint, status="dead", attempts=8, last_status_code=500
        )
        UGCRequestFactory(tenant=tenant, status="submitted", text="Lovely", consent=True)
        event = DomainEvent.objects.create(tenant=tenant, name="customer.created", payload={})
        EventDelivery.objects.create(
            tenant=tenant,
            subscriber="webhooks.deliver",
            event=event,
            status="parked",
            attempts=8,
            last_error="boom",
        )
    return tenant


def _staff_in(client, group: str | None):
    user = UserFactory(is_staff=True, is_superuser=group is None)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def superuser(client):
    return _staff_in(client, None)


@pytest.fixture
def support(client):
    return _staff_in(client, "support")


@pytest.fixture
def readonly(client):
    return _staff_in(client, "support-readonly")
