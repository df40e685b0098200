"""App config of metrics."""

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "KPIs"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from metrics import (
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (classifies its fields)
            subscribers,  # noqa: F401  (registers domain-event subscribers)
        )
        from metrics.models import AcquisitionSpend, KpiThreshold

        auditlog.register(AcquisitionSpend)
        auditlog.register(KpiThreshold)
