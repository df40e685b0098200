"""The client's address: `REMOTE_ADDR`, or what trusted proxies say in `X-Forwarded-For`.

`X-Forwarded-For` is written by whoever sends the request, so it is read only when the
request comes from a proxy listed in `settings.TRUSTED_PROXIES` (addresses or networks;
default none). The chain is read from the right, skipping trusted proxies, so a client cannot
choose its address by sending the header itself (it would otherwise rotate it past the rate
limits). Throttles, the login limit and the referral redirect all ask here.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that made `request` ('' when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(_parse(remote), networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return remote  # a malformed chain: trust nothing beyond the proxy
        if not _trusted(address, networks):
            return str(address)
    return str(_parse(hops[0])) if hops else remote
