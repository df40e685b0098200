"""API scopes: `<area>:read` and `<area>:write` for each resource area of the API."""

AREAS = (
    "tenant",
    "customers",
    "events",
    "referrals",
    "ugc",
    "segments",
    "kpis",
    "webhooks",
)

ALL_SCOPES = tuple(f"{area}:{access}" for area in AREAS for access in ("read", "write"))


def scope_for(area: str, *, write: bool) -> str:
    """The scope a request needs: reading or writing in `area`."""
    return f"{area}:{'write' if write else 'read'}"
