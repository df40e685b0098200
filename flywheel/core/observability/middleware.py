"""The first middleware: request id in and out, request metrics, one access line a request."""

import logging
import time

from django.conf import settings

from flywheel.core.observability.context import HEADER, META_KEY, request_id_from, request_id_var
from flywheel.core.observability.metrics import HTTP_LATENCY, HTTP_REQUESTS

access_logger = logging.getLogger("flywheel.access")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request) -> str:
    """A bounded label: the fast path's name, the URL pattern's name, or `unmatched`."""
    route = getattr(request, "metrics_route", None)
    if route:
        return route
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class ObservabilityMiddleware:
    """Give the request its id (the caller's `X-Request-ID` when safe, else a new one),
    return it in the same header, count and time the request by route, and write an access
    line when `ACCESS_LOG` is on. First in MIDDLEWARE, so the fast paths are measured too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.access_log = settings.ACCESS_LOG

    def __call__(self, request):
        request_id = request_id_from(request.META.get(META_KEY))
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            route = route_of(request)
            method = request.method if request.method in METHODS else "other"
            HTTP_REQUESTS.labels(route, method, str(response.status_code)).inc()
            HTTP_LATENCY.labels(route, method).observe(elapsed)
            response[HEADER] = request_id
            if self.access_log:
                access_logger.info(
                    "%s %s %s",
                    method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": method,
                        "path": request.path,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)
