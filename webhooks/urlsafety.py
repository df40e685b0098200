"""Where webhooks may go: http(s) URLs of public addresses only (SSRF guard).

Loopback, private, link-local (including cloud metadata 169.254.169.254), multicast, reserved
and unspecified addresses are refused, in IPv4 and IPv6 (IPv4-mapped ones too), unless
`WEBHOOKS_ALLOW_PRIVATE_URLS` (development, tests). The check runs when an endpoint is saved
and again at send time on the addresses the name resolves to then, and the connection goes to
the very address that was checked (`sender.py`), so DNS rebinding cannot slip past it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeURLError(ValueError):
    """The URL may not receive webhooks; the message says why."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL, else UnsafeURLError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURLError("Only http and https URLs with a host can receive webhooks.")
    if parts.username or parts.password:
        raise UnsafeURLError("Credentials in the URL are not allowed; use the signature.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeURLError("The port is not a number from 1 to 65535.") from error
    return parts.scheme, parts.hostname, port


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now, each checked (UnsafeURLError if one is not public
    and private addresses are not allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeURLError(f"The host {host!r} does not resolve.") from error
    addresses = sorted({info[4][0] for info in infos})
    if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not _public(ipaddress.ip_address(address.split("%")[0])):
                raise UnsafeURLError(
                    f"{host} resolves to {address}, which is not a public address."
                )
    return addresses


def check(url: str, *, resolve_host: bool = True) -> None:
    """UnsafeURLError unless `url` may receive webhooks (literal addresses always checked)."""
    _, host, port = target(url)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS and not _public(literal):
            raise UnsafeURLError(f"{host} is not a public address.")
        return
    if resolve_host:
        resolve(host, port)
