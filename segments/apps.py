"""App config of segments."""

from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = "Segments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from segments import (
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (registers its export sections)
            subscribers,  # noqa: F401  (registers domain-event subscribers)
        )
        from segments.models import CustomerSegment, HealthModel, ScoringModel

        auditlog.register(ScoringModel)
        auditlog.register(HealthModel, exclude_fields=["computed_at"])
        auditlog.register(CustomerSegment)
