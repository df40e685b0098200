"""Who made a change: a user, an API key, or the system (for stage history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    api_key_id: int | None = None

    @classmethod
    def from_request(cls, request: Any) -> Actor:
        from accounts.models import ApiKey

        if isinstance(request.auth, ApiKey):
            return cls(api_key_id=request.auth.pk)
        user = getattr(request, "user", None)
        return cls(user_id=user.pk if user is not None and user.is_authenticated else None)


SYSTEM = Actor()
