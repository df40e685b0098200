"""App config of the support tools (label `support`): project level, above every domain app,
like the demo. It reads every app to show support staff one tenant or one customer."""

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "flywheel.support"
    label = "support"
    verbose_name = "Support"
