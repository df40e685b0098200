"""Errors as `application/problem+json` (RFC 9457), one shape for every failure.

`{type, title, status, detail, code, errors: [{field, code, message}]}`; `errors` lists each
invalid field (nested fields as dotted paths, `non_field_errors` for the whole body).
"""

from __future__ import annotations

import re
import sys
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ApplicationError(exceptions.APIException):
    """Base of domain errors: a business rule refused the request (400 unless overridden)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request breaks a business rule."
    default_code = "application_error"


class ForbiddenError(ApplicationError):
    """The caller's credential does not hold the rights this would need (403)."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "Your credential does not allow this."
    default_code = "permission_denied"


class InvalidFieldsError(ApplicationError):
    """A business rule refused some fields of the request: 400 with `errors` per field, the
    same shape as a serializer's validation error (services raise this, not DRF's)."""

    default_detail = "The request has invalid fields."
    default_code = "invalid"

    def __init__(self, fields: dict[str, list[str] | str], code: str = "invalid"):
        super().__init__(self.default_detail, code="invalid")
        self.errors = [
            {"field": field, "code": code, "message": str(message)}
            for field, messages in fields.items()
            for message in ([messages] if isinstance(messages, str) else messages)
        ]


class ConflictError(ApplicationError):
    """The resource's current state does not allow this (e.g. an invalid transition)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource's state does not allow this."
    default_code = "conflict"


class UnprocessableError(ApplicationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


def problem(
    status_code: int,
    detail: str,
    *,
    code: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The body of a problem response."""
    code = code or HTTPStatus(status_code).phrase.lower().replace(" ", "_")
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(status_code: int, detail: str, **kwargs: Any) -> JsonResponse:
    """A problem as a plain Django response (middleware and non-DRF views)."""
    return JsonResponse(
        problem(status_code, detail, **kwargs),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _is_leaf(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"message", "code"}


def flatten_errors(details: Any, path: str = "") -> list[dict[str, str]]:
    """DRF's nested `get_full_details()` as a flat list of `{field, code, message}`."""
    if _is_leaf(details):
        field = path or "non_field_errors"
        return [{"field": field, "code": str(details["code"]), "message": str(details["message"])}]
    items: list[dict[str, str]] = []
    if isinstance(details, dict):
        for key, value in details.items():
            if key == "non_field_errors" and path:
                items.extend(flatten_errors(value, path))
            else:
                items.extend(flatten_errors(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(details, list):
        for index, value in enumerate(details):
            sub = path if _is_leaf(value) else (f"{path}.{index}" if path else str(index))
            items.extend(flatten_errors(value, sub))
    return items


def _first_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    while isinstance(codes, (list, dict)):
        if not codes:
            return exc.default_code
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes)


_KEY_COLUMNS = re.compile(r"Key \((?P<columns>[^)]*)\)=")
_SQLITE_COLUMNS = re.compile(r"constraint failed: (?P<columns>.+)$")


def _violated_fields(exc: IntegrityError) -> list[str]:
    """The fields (not the tenant) named by a unique violation, from the database's message."""
    message = str(exc)
    match = _KEY_COLUMNS.search(message) or _SQLITE_COLUMNS.search(message.strip())
    if match is None:
        return []
    columns = [part.strip().split(".")[-1] for part in match.group("columns").split(",")]
    fields = [c.removesuffix("_id") for c in columns if c not in ("tenant_id", "")]
    return [f.strip('"') for f in fields if not f.startswith("(")]


def integrity_problem(exc: IntegrityError) -> exceptions.APIException | None:
    """A conflicting write (unique or foreign key) as 409 naming the fields, a broken check
    constraint as 400; None for anything else (a bug: let it be a 500)."""
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(
        getattr(cause, "diag", None), "sqlstate", None
    )
    message = str(exc)
    unique = sqlstate == "23505" or "UNIQUE constraint failed" in message
    if unique:
        fields = _violated_fields(exc) or ["non_field_errors"]
        error = ConflictError("Another record has the same values.", code="unique")
        error.errors = [
            {"field": name, "code": "unique", "message": "Another record has this value."}
            for name in fields
        ]
        return error
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in message:
        return ConflictError("A related record changed meanwhile; retry.", code="conflict")
    if sqlstate == "23514" or "CHECK constraint failed" in message:
        return ApplicationError("A value is out of its allowed range.", code="invalid")
    return None


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering problem+json; None lets Django answer a 500."""
    if isinstance(exc, IntegrityError):
        translated = integrity_problem(exc)
        if translated is None:
            return None
        exc = translated
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.get_full_details())
        only_body_errors = all(e["field"] == "non_field_errors" for e in errors)
        detail = (
            errors[0]["message"]
            if errors and only_body_errors
            else ("The request has invalid fields.")
        )
        body = problem(response.status_code, detail, code="invalid", errors=errors)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        errors = getattr(exc, "errors", None)
        body = problem(response.status_code, str(detail), code=_first_code(exc), errors=errors)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found_view(request, exception=None) -> JsonResponse:
    return problem_response(404, "No such resource.", code="not_found")


DATABASE_RETRY_AFTER_SECONDS = 5


def server_error_view(request) -> JsonResponse:
    """Django's handler500, for any unhandled error of any path (API, pages, fast paths).

    The database being unreachable (or dropping the connection) is not our bug but a
    passing outage: 503 with Retry-After, so clients retry; the next request reconnects by
    itself (CONN_HEALTH_CHECKS), no restart needed. Everything else is a 500.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseOperationalError | DatabaseInterfaceError):
        response = problem_response(
            503, "The database is unavailable; try again shortly.", code="database_unavailable"
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return problem_response(500, "Something went wrong on our side.", code="server_error")
