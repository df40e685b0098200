"""Factories of customers: customers, stage changes and events sharing one tenant."""

import factory
from django.utils import timezone

from customers.lifecycle import Stage
from customers.models import Customer, Event, EventKind, StageChange
from tests.factories import TenantOwnedFactory


class CustomerFactory(TenantOwnedFactory):
    external_id = factory.Sequence(lambda n: f"ext-{n:05d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.org")
    name = factory.Sequence(lambda n: f"Customer {n}")
    stage = Stage.LEAD

    class Meta:
        model = Customer
        skip_postgeneration_save = True  # the hook writes another table

    @factory.post_generation
    def health_band(self, create, band, **kwargs):
        """`health_band="red"` scores the customer (health lives in segments.CustomerHealth)."""
        if create and band:
            from segments.models import CustomerHealth

            score = {"green": 80, "yellow": 55, "red": 20}[band]
            CustomerHealth.all_tenants.create(
                tenant=self.tenant,
                customer=self,
                score=score,
                band=band,
                band_since=timezone.now(),
                computed_at=timezone.now(),
            )


class StageChangeFactory(TenantOwnedFactory):
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    to_stage = Stage.LEAD

    class Meta:
        model = StageChange


class EventFactory(TenantOwnedFactory):
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = EventKind.LOGIN
    occurred_at = factory.LazyFunction(timezone.now)
    sender_id = factory.Sequence(lambda n: f"evt-{n:06d}")

    class Meta:
        model = Event
