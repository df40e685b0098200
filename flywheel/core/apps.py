"""App config of the core (label `core`)."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SupportAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the support site: its views take the cross-tenant path."""

    default = False
    default_site = "flywheel.core.admin_site.SupportAdminSite"


class CoreConfig(AppConfig):
    name = "flywheel.core"
    label = "core"
    verbose_name = "Flywheel core"

    def ready(self) -> None:
        # Registers the delivery task by name: the outbox enqueues it from the registry.
        from django.db.backends.signals import connection_created

        from flywheel.core import lookups, tasks  # noqa: F401
        from flywheel.core.observability import celery_signals
        from flywheel.core.observability.metrics import instrument_connection

        connection_created.connect(instrument_connection, dispatch_uid="flywheel-db-metrics")
        from django.db.models.signals import post_migrate

        from flywheel.core import rowsecurity

        connection_created.connect(rowsecurity.instrument_connection, dispatch_uid="flywheel-rls")
        post_migrate.connect(rowsecurity.after_migrate, sender=self, dispatch_uid="flywheel-rls")
        from flywheel.core import personal_data

        personal_data.classify_core()
        celery_signals.connect()
