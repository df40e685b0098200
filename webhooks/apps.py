"""App config of webhooks: partner webhooks and customer email, both subscribers of the bus."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks and email"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from webhooks import (
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (registers its export sections)
            subscribers,  # noqa: F401  (registers domain-event subscribers)
        )
        from webhooks.models import EmailSettings, WebhookEndpoint

        auditlog.register(
            WebhookEndpoint,
            exclude_fields=["secret_encrypted", "previous_secret_encrypted", "failure_count"],
        )
        auditlog.register(EmailSettings)
