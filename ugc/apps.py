"""App config of UGC."""

from django.apps import AppConfig


class UgcConfig(AppConfig):
    name = "ugc"
    verbose_name = "UGC"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ugc import subscribers  # noqa: F401  (registers domain-event subscribers)
        from ugc.models import UGCRequest, UGCRule

        auditlog.register(UGCRule)
        auditlog.register(UGCRequest, include_fields=["status", "moderation_note", "published_url"])
