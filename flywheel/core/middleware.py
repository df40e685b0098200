"""Middleware of the API conventions: body size limit and problem+json for unrouted paths."""

from django.conf import settings

from flywheel.core.errors import PROBLEM_CONTENT_TYPE, problem_response


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
