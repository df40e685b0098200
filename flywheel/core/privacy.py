"""Personal data we only need to compare: IP addresses are stored as tenant-salted hashes."""

import hashlib
import hmac

from django.conf import settings


def hash_ip(tenant_id: int, ip: str | None) -> str:
    """HMAC-SHA256 of an IP under a per-tenant salt ('' for none): comparable within one
    tenant, unlinkable across tenants, not reversible without the server secret."""
    if not ip:
        return ""
    salt = hmac.new(settings.SECRET_KEY.encode(), f"tenant:{tenant_id}".encode(), hashlib.sha256)
    return hmac.new(salt.digest(), ip.strip().encode(), hashlib.sha256).hexdigest()
