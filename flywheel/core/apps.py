"""App config of the core (label `core`)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "flywheel.core"
    label = "core"
    verbose_name = "Flywheel core"

    def ready(self) -> None:
        # Registers the delivery task by name: the outbox enqueues it from the registry.
        from flywheel.core import tasks  # noqa: F401
