"""App config of webhooks: partner webhooks and customer email, both subscribers of the bus."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks and email"

    def ready(self) -> None:
        from webhooks import (
            event_types,  # noqa: F401  (declares the events it emits)
            subscribers,  # noqa: F401  (registers domain-event subscribers)
        )
