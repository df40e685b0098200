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

# Personal tokens only, and only when asked for by name: creating tenants acts beyond any one
# tenant, so a token handed to a frontend does not get it by default.
TENANTS_CREATE = "tenants:create"
TOKEN_SCOPES = (*ALL_SCOPES, TENANTS_CREATE)


def scope_for(area: str, *, write: bool) -> str:
    """The scope a request needs: reading or writing in `area`."""
    return f"{area}:{'write' if write else 'read'}"
