"""App config of customers."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from customers import (
            audit,  # noqa: F401  (registers models with auditlog)
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (registers its export sections)
        )
