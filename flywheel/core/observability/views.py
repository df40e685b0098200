"""`/metrics`: the Prometheus exposition, for a bearer token or an allowed network only."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse

from flywheel.core.errors import problem_response
from flywheel.core.observability.metrics import exposition


def _networks() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_NETWORKS]


def metrics_allowed(request) -> bool:
    """The bearer token `METRICS_TOKEN`, or a direct peer (never X-Forwarded-For) inside
    `METRICS_ALLOWED_NETWORKS`."""
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in _networks())


def metrics_view(request):
    if request.method not in ("GET", "HEAD"):
        return problem_response(405, "Method not allowed.", code="method_not_allowed")
    if not metrics_allowed(request):
        return problem_response(
            403,
            "Metrics need the metrics token or a request from an allowed network.",
            code="permission_denied",
        )
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
