"""App config of the core (label `core`)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "flywheel.core"
    label = "core"
    verbose_name = "Flywheel core"

    def ready(self) -> None:
        # Registers the delivery task by name: the outbox enqueues it from the registry.
        from django.db.backends.signals import connection_created

        from flywheel.core import tasks  # noqa: F401
        from flywheel.core.observability import celery_signals
        from flywheel.core.observability.metrics import instrument_connection

        connection_created.connect(instrument_connection, dispatch_uid="flywheel-db-metrics")
        from flywheel.core import personal_data

        personal_data.classify_core()
        celery_signals.connect()
