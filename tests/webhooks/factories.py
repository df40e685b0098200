"""Factories of webhooks: endpoints (with a known secret) and deliveries in one tenant."""

import factory

from tests.factories import TenantOwnedFactory
from webhooks import signing
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.secrets_store import seal


class WebhookEndpointFactory(TenantOwnedFactory):
    url = factory.Sequence(lambda n: f"https://hooks.example.com/flywheel/{n}")
    description = factory.Sequence(lambda n: f"Partner endpoint {n}")
    secret_encrypted = factory.LazyFunction(lambda: seal(signing.new_secret()))

    class Meta:
        model = WebhookEndpoint


class WebhookDeliveryFactory(TenantOwnedFactory):
    endpoint = factory.SubFactory(WebhookEndpointFactory, tenant=factory.SelfAttribute("..tenant"))
    event_type = "customer.created"
    webhook_id = factory.Sequence(lambda n: f"msg_test_{n:06d}")
    payload = factory.LazyFunction(lambda: {"type": "customer.created", "data": {}})

    class Meta:
        model = WebhookDelivery
