"""A customer's personal data across the apps: each app registers the sections it holds, the
export gathers them, and every access to them is written to the audit trail.

Apps register in their own `personal_data.py` (loaded by their AppConfig): a section is a
function of the customer returning a list of plain dicts (JSON-ready values). The core knows
no app; the customers API calls `export(customer)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

Section = Callable[[Any], list[dict]]
_sections: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    """Register `func(customer) -> [rows]` as the export section `name` (one owner a name)."""

    def register(func: Section) -> Section:
        owner = _sections.get(name)
        if owner is not None and owner is not func:
            raise ValueError(f"The personal-data section {name!r} is registered twice.")
        _sections[name] = func
        return func

    return register


def section_names() -> list[str]:
    return sorted(_sections)


def export(customer) -> dict[str, Any]:
    """Every section for the customer, in the tenant scope the caller set."""
    return {
        "customer_id": customer.pk,
        "exported_at": timezone.now(),
        "sections": {name: list(_sections[name](customer)) for name in section_names()},
    }


def log_access(instance, *, access: str, request=None) -> None:
    """Write an `access` entry to the audit trail for `instance` (export, a staff view):
    who (user or API key), what kind of access, in which tenant."""
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model

    user = getattr(request, "user", None)
    auth = getattr(request, "auth", None)
    additional = {
        **(instance.get_additional_data() if hasattr(instance, "get_additional_data") else {}),
        "access": access,
    }
    if auth is not None and type(auth).__name__ == "ApiKey":
        additional["api_key_id"] = auth.pk
    LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=user if isinstance(user, get_user_model()) else None,  # not a key's principal
        additional_data=additional,
        force_log=True,
    )
