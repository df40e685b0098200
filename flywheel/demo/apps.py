"""App config of the demo (label `demo`): project level, above every domain app."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "flywheel.demo"
    label = "demo"
    verbose_name = "Flywheel demo"
