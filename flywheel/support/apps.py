"""App config of the support tools (label `support`): project level, above every domain app,
like the demo. It reads every app to show support staff one tenant or one customer."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SupportConfig(AppConfig):
    name = "flywheel.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from flywheel.support.groups import after_migrate

        post_migrate.connect(after_migrate, dispatch_uid="support-groups")
