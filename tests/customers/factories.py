"""Factories of customers: customers, stage changes and events sharing one tenant."""

import factory
from django.utils import timezone

from customers.lifecycle import Stage
from customers.models import (
    Customer,
    CustomerErasure,
    CustomerHealth,
    Event,
    EventKind,
    StageChange,
)
from tests.factories import TenantOwnedFactory


def implied_history(customer) -> list[tuple[str, str, object]]:
    """(from, to, at) entries for a customer built from its fields: a lead at creation, a
    customer at `became_customer_at`, churned at `churned_at`, then its current stage."""
    paying = (Stage.CUSTOMER, Stage.ADVOCATE)
    became, churned = customer.became_customer_at, customer.churned_at
    entries = [("", Stage.LEAD, customer.created_at)]
    if became is None and customer.stage in paying:
        became = customer.created_at
    if became is not None:
        entries.append((Stage.LEAD, Stage.CUSTOMER, became))
    if churned is not None:
        entries.append((entries[-1][1], Stage.CHURNED, churned))
    last = entries[-1][1]
    if customer.stage != last and not (customer.stage in paying and churned is not None):
        entries.append((last, customer.stage, max(at for _, _, at in entries)))
    if len(entries) > 1 and entries[1][2] == entries[0][2]:  # created as what it became
        entries = [("", entries[1][1], entries[0][2]), *entries[2:]]
    return entries


class CustomerFactory(TenantOwnedFactory):
    external_id = factory.Sequence(lambda n: f"ext-{n:05d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.org")
    name = factory.Sequence(lambda n: f"Customer {n}")
    stage = Stage.LEAD

    class Meta:
        model = Customer
        skip_postgeneration_save = True  # the hook writes another table

    @factory.post_generation
    def history(self, create, wanted, **kwargs):
        """The stage history its fields imply (KPIs read "active at t" from it); pass
        `history=False` for a customer without one."""
        if not create or wanted is False:
            return
        StageChange.all_tenants.bulk_create(
            [
                StageChange(
                    tenant=self.tenant, customer=self, from_stage=a, to_stage=b, changed_at=at
                )
                for a, b, at in implied_history(self)
            ]
        )

    @factory.post_generation
    def health_band(self, create, band, **kwargs):
        """`health_band="red"` scores the customer (health lives in CustomerHealth)."""
        if create and band:
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


class CustomerErasureFactory(TenantOwnedFactory):
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    requested_by = "test"

    class Meta:
        model = CustomerErasure
