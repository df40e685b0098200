"""App config of UGC."""

from django.apps import AppConfig


class UgcConfig(AppConfig):
    name = "ugc"
    verbose_name = "UGC"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ugc import (
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (registers its export sections)
            subscribers,  # noqa: F401  (registers domain-event subscribers)
        )
        from ugc.models import UGCRequest, UGCRule

        auditlog.register(UGCRule)
        auditlog.register(UGCRequest, include_fields=["status", "moderation_note", "published_url"])
