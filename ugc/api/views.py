"""REST adapters of UGC: requests with moderation actions, rules, and the public page."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.roles import Role
from accounts.tenant_api import TenantViewSet
from flywheel.core import filters as core_filters
from flywheel.core.serializers import ProblemSerializer
from flywheel.core.tenancy import tenant_scope
from flywheel.core.throttling import AnonRateThrottle
from flywheel.core.views import ApiView, CreateModelMixin, UpdateModelMixin
from ugc.api import serializers as s
from ugc.models import UGCKind, UGCRequest, UGCRule, UGCStatus, UGCTrigger
from ugc.services import requests as services


class UGCRequestFilterSet(core_filters.FilterSet):
    kind = core_filters.ChoicesFilter(choices=UGCKind.choices)
    status = core_filters.ChoicesFilter(choices=UGCStatus.choices)
    trigger = core_filters.ChoicesFilter(choices=UGCTrigger.choices)
    customer = core_filters.IdFilter(field_name="customer_id")

    class Meta:
        model = UGCRequest
        fields: list[str] = []


@extend_schema_view(
    create=extend_schema(
        request=s.UGCRequestCreateSerializer, responses={201: s.UGCRequestSerializer}
    ),
)
@extend_schema(tags=["ugc"])
class UGCRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Requests for reviews, testimonials, case studies...; moderation by members and up."""

    model = UGCRequest
    serializer_class = s.UGCRequestSerializer
    scope_area = "ugc"
    filterset_class = UGCRequestFilterSet
    ordering_fields = ["id", "created_at", "submitted_at", "due_at"]

    def create(self, request, tenant):
        serializer = s.UGCRequestCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.ugc_request_create(
            tenant=self.tenant,
            customer=data["customer"],
            kind=data["kind"],
            prompt=data.get("prompt", ""),
        )
        return Response(s.UGCRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    def _moderate(self, request, move):
        serializer = s.ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = move(request=self.get_object(), note=serializer.validated_data.get("note", ""))
        return Response(s.UGCRequestSerializer(moved).data)

    @extend_schema(request=s.ModerationSerializer, responses={200: s.UGCRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, tenant, pk=None):
        """submitted -> approved (the customer is then invited to refer)."""
        return self._moderate(request, services.ugc_request_approve)

    @extend_schema(request=s.ModerationSerializer, responses={200: s.UGCRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, tenant, pk=None):
        """submitted -> rejected, with a note."""
        return self._moderate(request, services.ugc_request_reject)

    @extend_schema(request=s.PublishSerializer, responses={200: s.UGCRequestSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, tenant, pk=None):
        """approved -> published; 400 without the customer's consent."""
        serializer = s.PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        published = services.ugc_request_publish(
            request=self.get_object(),
            published_url=serializer.validated_data.get("published_url", ""),
        )
        return Response(s.UGCRequestSerializer(published).data)


@extend_schema(tags=["ugc"])
class UGCRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """Automation rules (one per trigger); admins change them."""

    model = UGCRule
    serializer_class = s.UGCRuleSerializer
    scope_area = "ugc"
    write_role = Role.ADMIN
    ordering = "id"


def _find(token: str) -> UGCRequest:
    # all_tenants: the public token is globally unique and decides the tenant.
    found = UGCRequest.all_tenants.select_related("tenant").filter(token=token).first()
    if found is None:
        raise NotFound("No such request.")
    return found


@extend_schema(tags=["public"], auth=[])
class PublicUGCView(ApiView):
    """The customer's page for a UGC request: read the ask, submit content or decline."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        responses={
            200: s.PublicRequestSerializer,
            410: OpenApiResponse(ProblemSerializer, "Expired."),
        }
    )
    def get(self, request, token):
        found = _find(token)
        if services.is_expired(found):
            raise services.RequestExpiredError()
        return Response(
            s.PublicRequestSerializer(
                {
                    "tenant_name": found.tenant.name,
                    "kind": found.kind,
                    "prompt": found.prompt,
                    "due_at": found.due_at,
                    "status": found.status,
                }
            ).data
        )

    @extend_schema(
        request=s.PublicSubmissionSerializer,
        responses={
            200: s.PublicRequestSerializer,
            410: OpenApiResponse(ProblemSerializer, "Expired."),
        },
    )
    def post(self, request, token):
        found = _find(token)
        serializer = s.PublicSubmissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with tenant_scope(found.tenant), transaction.atomic():
            if data["decline"]:
                found = services.ugc_request_decline(request=found)
            else:
                found = services.ugc_request_submit(
                    request=found,
                    text=data.get("text", ""),
                    rating=data.get("rating"),
                    media_url=data.get("media_url", ""),
                    consent=data["consent"],
                )
        return Response(
            s.PublicRequestSerializer(
                {
                    "tenant_name": found.tenant.name,
                    "kind": found.kind,
                    "prompt": found.prompt,
                    "due_at": found.due_at,
                    "status": found.status,
                }
            ).data
        )
