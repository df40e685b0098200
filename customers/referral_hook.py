"""The hand-over of a `referral_code` given when a customer is created.

The referrals app installs its attribution with `install(...)` in its `ready()`. Until it
does, every code is unknown (400). `check` runs before anything is written (no side effects);
`attribute` runs in the creating transaction, after the customer exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReferralAttribution:
    check: Callable[[str], str | None]  # code -> error message, or None when usable
    attribute: Callable[[Any, str, dict[str, Any]], None]  # (customer, code, signup context)


_installed: ReferralAttribution | None = None


def install(attribution: ReferralAttribution | None) -> None:
    global _installed
    _installed = attribution


def check(code: str) -> str | None:
    """An error message when `code` cannot be used, else None."""
    if _installed is None:
        return "Unknown referral code."
    return _installed.check(code)


def attribute(customer: Any, code: str, context: dict[str, Any]) -> None:
    if _installed is not None:
        _installed.attribute(customer, code, context)
