"""One HTTP POST of a webhook, to the address that was checked, with tight timeouts.

The host is resolved and every address checked (`urlsafety.resolve`), then the connection is
made to that address while TLS and the Host header still name the host (so certificates
verify as usual). A slow receiver costs at most `WEBHOOK_TIMEOUT_SECONDS`, and only the one
task sending to it: each delivery is its own task.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from webhooks import urlsafety

EXCERPT = 500
USER_AGENT = "Flywheel-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: no HTTP answer (connection, timeout, refused URL)
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url`; never raises."""
    started = time.monotonic()

    def done(status=None, excerpt="", error="") -> Outcome:
        return Outcome(
            status, excerpt[:EXCERPT], error[:EXCERPT], int((time.monotonic() - started) * 1000)
        )

    try:
        scheme, host, port = urlsafety.target(url)
        address = urlsafety.resolve(host, port)[0]
    except urlsafety.UnsafeURLError as error:
        return done(error=str(error))
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = connection_class(
        host, address, port=port, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        text = response.read(EXCERPT).decode("utf-8", errors="replace")
        return done(response.status, text)
    except (OSError, http.client.HTTPException) as error:  # timeouts, refusals, TLS, protocol
        return done(error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
