"""View conventions of every API view: idempotent POSTs, writes that answer what GET shows.

The tenant-scoped bases (`TenantViewSet`, `TenantAPIView`) build on these in
`accounts.tenant_api`, where memberships, roles and credential scopes live.
"""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, status
from rest_framework.response import Response
from rest_framework.views import APIView

from flywheel.core import idempotency
from flywheel.core.throttling import ratelimit_headers


class ApiViewMixin:
    """Conventions of every authenticated API view: idempotent POSTs, cleanup on exit.

    `secret_fields`: response fields holding a secret shown once; an idempotent replay
    answers them as null (they are never stored).
    """

    _idempotency_record = None
    secret_fields: tuple[str, ...] = ()

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._idempotency_record = idempotency.begin(request)

    def handle_exception(self, exc: Exception):
        if isinstance(exc, idempotency.IdempotentReplay):
            return idempotency.replay_response(exc.record)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args: Any, **kwargs: Any):
        response = super().finalize_response(request, response, *args, **kwargs)
        ratelimit_headers(request, response)
        if self._idempotency_record is not None:
            idempotency.complete(
                self._idempotency_record, response, secret_fields=self.secret_fields
            )
            self._idempotency_record = None
        return response

    def dispatch(self, request, *args: Any, **kwargs: Any):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._idempotency_record is not None:  # an unhandled error: free the key
                idempotency.release(self._idempotency_record)


class ApiView(ApiViewMixin, APIView):
    """Base of tenant-less API views (auth, the tenant list)."""


class _AnswerAsStored:
    def answer(self, instance):
        """The representation a following GET returns: the object read back through the
        view's queryset (annotations, related rows) with a fresh serializer context (e.g.
        ranks that depend on the other rows)."""
        stored = self.get_queryset().get(pk=instance.pk)
        return self.get_serializer(stored).data


class CreateModelMixin(_AnswerAsStored, mixins.CreateModelMixin):
    """Create, then answer the stored object as GET shows it (201)."""

    def create(self, request, *args: Any, **kwargs: Any):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self.answer(serializer.instance)
        return Response(
            data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data)
        )


class UpdateModelMixin(_AnswerAsStored, mixins.UpdateModelMixin):
    """PUT and PATCH, then answer the stored object as GET shows it."""

    def update(self, request, *args: Any, **kwargs: Any):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.answer(serializer.instance))


# The mixins of a full CRUD resource and of a read-only one, for `class X(*CRUD, TenantViewSet)`.
CRUD = (
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    UpdateModelMixin,
    mixins.DestroyModelMixin,
)
READ_ONLY = (mixins.ListModelMixin, mixins.RetrieveModelMixin)
