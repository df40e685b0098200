"""Factories of UGC: rules and requests in one tenant."""

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from tests.customers.factories import CustomerFactory
from tests.factories import TenantOwnedFactory
from ugc.models import UGCRequest, UGCRule


class UGCRuleFactory(TenantOwnedFactory):
    trigger = "promoter"
    request_kind = "testimonial"
    threshold = 9

    class Meta:
        model = UGCRule


class UGCRequestFactory(TenantOwnedFactory):
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = "review"
    trigger = "manual"
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    prompt = "Tell us how it went."
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    remind_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))

    class Meta:
        model = UGCRequest
