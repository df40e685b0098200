"""App config of accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import (
            audit,  # noqa: F401  (registers models with auditlog)
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (classifies its fields)
        )
