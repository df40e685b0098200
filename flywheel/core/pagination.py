"""Cursor pagination for every list: `?cursor=` and `?limit=` (default 50, at most 200)."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from flywheel.core.tenancy import ID_ORDER, TenantOwnedModel, id_order

_WHOLE = re.compile(r"[0-9]{1,18}")


def _invalid_cursor() -> ValidationError:
    return ValidationError({"cursor": ["Invalid cursor."]}, code="invalid_cursor")


def is_whole_number(raw: str) -> bool:
    """ASCII digits only, at most 18 (`str.isdigit` also accepts e.g. "²", which `int` refuses)."""
    return _WHOLE.fullmatch(raw) is not None


class CursorPagination(pagination.CursorPagination):
    """Stable cursor pages; a view sets `ordering` (default newest id first)."""

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = "-id"

    # A tenant list by id pages by `id::float8` (the same rows in the same order): only the
    # table's `(tenant_id, (id::float8))` index yields it, so no page walks other tenants' rows.
    _BY_ID_ORDER = {"-id": f"-{ID_ORDER}", "id": ID_ORDER}

    @staticmethod
    def _pages_by_id_order(model) -> bool:
        return issubclass(model, TenantOwnedModel) and model._meta.pk.name == "id"

    def paginate_queryset(self, queryset, request, view=None):
        if self._pages_by_id_order(queryset.model):
            queryset = queryset.annotate(**{ID_ORDER: id_order()})
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, DjangoValidationError) as exc:
            # A well-formed cursor whose position is not a value of the ordering field (a
            # crafted `p=abc`): the field refuses it while the page's filter is built.
            if getattr(self, "cursor", None) is None or self.cursor.position is None:
                raise
            raise _invalid_cursor() from exc

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if self._pages_by_id_order(queryset.model) and len(ordering) == 1:
            return tuple(self._BY_ID_ORDER.get(field, field) for field in ordering)
        return ordering

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise _invalid_cursor() from exc

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and (not is_whole_number(raw) or int(raw) < 1):
            raise ValidationError({"limit": ["A whole number from 1 to 200."]})
        return super().get_page_size(request)

    def get_paginated_response_schema(self, schema):
        link = {
            "type": ["string", "null"],
            "format": "uri",
            "description": "The URL of the next/previous page; null at the end.",
        }
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }
