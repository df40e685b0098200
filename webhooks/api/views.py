"""REST adapters of webhooks: endpoints (CRUD, test, rotate-secret), their deliveries (list,
retry), and the tenant's email settings."""

from __future__ import annotations

from datetime import timedelta

import django_filters as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.roles import Role
from accounts.tenant_api import TenantAPIView, TenantViewSet
from flywheel.core import filters as core_filters
from flywheel.core.views import CRUD
from webhooks import services
from webhooks.api import serializers as s
from webhooks.models import DeliveryState, EmailSettings, WebhookDelivery, WebhookEndpoint


class WebhookDeliveryFilterSet(core_filters.FilterSet):
    status = core_filters.ChoicesFilter(choices=DeliveryState.choices)
    event_type = filters.CharFilter()

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []


@extend_schema_view(
    create=extend_schema(responses={201: s.WebhookEndpointCreatedSerializer}),
)
@extend_schema(tags=["webhooks"])
class WebhookEndpointViewSet(*CRUD, TenantViewSet):
    """Partner endpoints that receive the tenant's events, signed (admins manage them)."""

    model = WebhookEndpoint
    serializer_class = s.WebhookEndpointSerializer
    scope_area = "webhooks"
    read_role = Role.ADMIN
    write_role = Role.ADMIN
    ordering = "-id"
    secret_fields = ("secret",)

    def create(self, request, tenant):
        serializer = s.WebhookEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint, secret = services.endpoint_create(
            tenant=self.tenant,
            url=data["url"],
            event_types=data.get("event_types", []),
            description=data.get("description", ""),
            active=data.get("active", True),
        )
        body = s.WebhookEndpointCreatedSerializer(endpoint).data
        return Response({**body, "secret": secret}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.endpoint_update(
            endpoint=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, tenant, pk=None):
        """Send a `webhook.ping` now; watch it in `deliveries/`."""
        delivery = services.endpoint_test(endpoint=self.get_object())
        return Response(s.WebhookDeliverySerializer(delivery).data, status=202)

    @extend_schema(
        request=s.RotateSecretSerializer, responses={200: s.WebhookEndpointCreatedSerializer}
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, tenant, pk=None):
        """A new signing secret (shown once); the old one signs beside it for the overlap."""
        serializer = s.RotateSecretSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_rotate_secret(
            endpoint=self.get_object(),
            overlap=timedelta(hours=serializer.validated_data["overlap_hours"]),
        )
        return Response({**s.WebhookEndpointCreatedSerializer(endpoint).data, "secret": secret})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, many=True, enum=DeliveryState.values, description="Any of."
            ),
            OpenApiParameter("event_type", str),
        ],
        responses={200: s.WebhookDeliverySerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, tenant, pk=None):
        """Every delivery to this endpoint, newest first, with each attempt's outcome."""
        endpoint = self.get_object()
        chosen = WebhookDeliveryFilterSet(
            request.query_params,
            queryset=WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-id"),
        )
        if not chosen.is_valid():
            raise ValidationError(chosen.errors)
        page = self.paginate_queryset(chosen.qs)
        return self.get_paginated_response(s.WebhookDeliverySerializer(page, many=True).data)


@extend_schema(tags=["webhooks"])
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Deliveries of every endpoint; `retry/` sends one again."""

    model = WebhookDelivery
    serializer_class = s.WebhookDeliverySerializer
    scope_area = "webhooks"
    read_role = Role.ADMIN
    write_role = Role.ADMIN
    filterset_class = WebhookDeliveryFilterSet
    ordering = "-id"

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, tenant, pk=None):
        """Send again now (keeps its `webhook-id`, so the receiver can drop a duplicate)."""
        delivery = services.delivery_retry(delivery=self.get_object())
        return Response(s.WebhookDeliverySerializer(delivery).data, status=202)


@extend_schema(tags=["webhooks"])
class EmailSettingsView(TenantAPIView):
    """How the tenant's customers are emailed (GET; PUT by admins)."""

    scope_area = "webhooks"
    write_role = Role.ADMIN
    serializer_class = s.EmailSettingsSerializer

    def _settings(self) -> EmailSettings:
        return EmailSettings.objects.first() or EmailSettings(tenant=self.tenant)

    def get(self, request, tenant):
        return Response(s.EmailSettingsSerializer(self._settings()).data)

    def put(self, request, tenant):
        serializer = s.EmailSettingsSerializer(self._settings(), data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save(tenant=self.tenant)
        return Response(serializer.data)
