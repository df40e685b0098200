"""Middleware: the public fast path, the body size limit, problem+json for unrouted paths."""

import re

from django.conf import settings

from flywheel.core.errors import PROBLEM_CONTENT_TYPE, problem_response
from flywheel.core.tenancy import unscoped


class BodySizeLimitMiddleware:
    """Answer 413 before anything reads a body larger than `API_MAX_BODY_BYTES`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, "Content-Length is not a number.", code="bad_request")
        if length > settings.API_MAX_BODY_BYTES:
            return problem_response(
                413,
                f"The body exceeds {settings.API_MAX_BODY_BYTES} bytes.",
                code="payload_too_large",
            )
        return self.get_response(request)


class RequestTextMiddleware:
    """Answer 400 for a NUL character in the path or a query parameter.

    PostgreSQL text cannot hold NUL, so a filter, search or look-up with one would fail in
    the database; it is refused here for every route instead (bodies: core.parsers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return problem_response(400, "The path may not contain NUL.", code="invalid_text")
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return problem_response(
                    400,
                    "Query parameters may not contain NUL.",
                    code="invalid_text",
                    errors=[
                        {
                            "field": key.replace("\x00", ""),
                            "code": "invalid_text",
                            "message": "Query parameters may not contain NUL.",
                        }
                    ],
                )
        return self.get_response(request)


class ProblemNotFoundMiddleware:
    """Give unrouted API paths (404, 405 from Django itself) the problem+json shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            detail = "No such resource." if response.status_code == 404 else "Method not allowed."
            code = "not_found" if response.status_code == 404 else "method_not_allowed"
            return problem_response(response.status_code, detail, code=code)
        return response


class UnscopedRequestMiddleware:
    """Every request starts with no tenant and no cross-tenant mark: its view sets the scope
    it is entitled to (tenant API, admin), never one left in the caller's context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with unscoped():
            return self.get_response(request)


class FastPathMiddleware:
    """Serve the public hot paths in `settings.FAST_PATHS` before the rest of the stack.

    A referral redirect needs no session, user, CSRF, messages, CORS or audit context, and
    at the head of every request those cost more than the redirect itself. Each entry is
    `(regex, "dotted.view")`; the view gets the regex's named groups as keyword arguments.
    Everything else goes through the full stack.
    """

    def __init__(self, get_response):
        from django.utils.module_loading import import_string

        self.get_response = get_response
        self.routes = [
            (re.compile(pattern), import_string(view)) for pattern, view in settings.FAST_PATHS
        ]

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            for pattern, view in self.routes:
                match = pattern.match(request.path_info)
                if match:
                    request.metrics_route = view.__name__
                    return view(request, **match.groupdict())
        return self.get_response(request)
