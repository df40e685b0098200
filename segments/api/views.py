"""REST adapters of segments: scoring models, market segments and their ranking, market
sizing, the health model, and saved customer segments with their members."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.roles import Role
from accounts.tenant_api import TenantAPIView, TenantViewSet
from customers.api.serializers import CustomerSerializer
from flywheel.core.pagination import is_whole_number
from flywheel.core.views import CRUD
from segments import calculators, selectors
from segments.api import serializers as s
from segments.models import CustomerSegment, MarketSegment, MarketSizing, ScoringModel
from segments.selectors import customer_segment_counts, customer_segment_members
from segments.services.health import health_model_get


@extend_schema(tags=["segments"])
class ScoringModelViewSet(*CRUD, TenantViewSet):
    """Segment scoring models: criteria whose weights sum to exactly 100 %."""

    model = ScoringModel
    serializer_class = s.ScoringModelSerializer
    scope_area = "segments"
    write_role = Role.ADMIN
    ordering = "id"


@extend_schema(tags=["segments"])
class MarketSegmentViewSet(*CRUD, TenantViewSet):
    """Market segments rated 1..5 per criterion; `score` and `rank` are computed."""

    model = MarketSegment
    serializer_class = s.MarketSegmentSerializer
    scope_area = "segments"
    filterset_fields: list[str] = []
    ordering = "id"

    def safely_get_queryset(self, queryset):
        return queryset.select_related("model")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "tenant", None) is not None:
            context["scores"] = selectors.scores_for(
                list(MarketSegment.objects.select_related("model"))
            )
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "model",
                int,
                description="Scoring model (default: the tenant's default model, else its oldest).",
            )
        ],
        responses={200: s.RankingEntrySerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request, tenant):
        """The segments of a scoring model, best first (ties by name)."""
        model_id = request.query_params.get("model")
        models = ScoringModel.objects.all()
        if model_id is not None and not is_whole_number(model_id):
            raise ValidationError({"model": ["A scoring model id."]})
        # Without `model`: the default model, else the oldest one.
        chosen = models.filter(pk=model_id) if model_id else models.order_by("-is_default", "id")
        model = chosen.first()
        if model is None:
            raise ValidationError({"model": ["No such scoring model."]})
        ranked = selectors.segments_ranked(model=model)
        data = [
            {"rank": r, "id": seg.pk, "name": seg.name, "score": score} for seg, score, r in ranked
        ]
        return Response(s.RankingEntrySerializer(data, many=True).data)


@extend_schema(tags=["segments"])
class MarketSizingViewSet(*CRUD, TenantViewSet):
    """Saved beachhead sizings (seed 004, table 1.3); `compute/` sizes without saving."""

    model = MarketSizing
    serializer_class = s.MarketSizingSerializer
    scope_area = "segments"
    ordering = "id"

    @extend_schema(request=s.SizingInputSerializer, responses={200: s.SizingTableSerializer})
    @action(detail=False, methods=["post"])
    def compute(self, request, tenant):
        """The table for the given inputs, not saved."""
        serializer = s.SizingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        table = calculators.sizing_table(calculators.sizing_compute(serializer.validated_data))
        return Response(table)


@extend_schema(tags=["segments"])
class HealthModelView(TenantAPIView):
    """How customer health is scored (GET; PUT by admins); `recompute/` runs it now."""

    scope_area = "segments"
    write_role = Role.ADMIN
    serializer_class = s.HealthModelSerializer

    def get(self, request, tenant):
        return Response(s.HealthModelSerializer(health_model_get(tenant=self.tenant)).data)

    def put(self, request, tenant):
        model = health_model_get(tenant=self.tenant)
        serializer = s.HealthModelSerializer(model, data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


@extend_schema(tags=["segments"], request=None, responses={202: s.QueuedSerializer})
class HealthRecomputeView(TenantAPIView):
    """Queue a recomputation of every customer's health (admins); answers 202."""

    scope_area = "segments"
    write_role = Role.ADMIN

    def post(self, request, tenant):
        from django.db import transaction

        from segments.tasks import health_recompute_task

        tenant_id = self.tenant.pk
        transaction.on_commit(lambda: health_recompute_task.delay(tenant_id))
        return Response({"status": "queued"}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["segments"])
class CustomerSegmentViewSet(*CRUD, TenantViewSet):
    """Saved customer filters with a live `count`; `customers/` lists the members."""

    model = CustomerSegment
    serializer_class = s.CustomerSegmentSerializer
    scope_area = "segments"
    ordering = "id"

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "counts": customer_segment_counts(page)}
        return self.get_paginated_response(
            s.CustomerSegmentSerializer(page, many=True, context=context).data
        )

    @extend_schema(responses={200: CustomerSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def customers(self, request, tenant, pk=None):
        """The members now, with the customers list's pagination and fields."""
        members = (
            customer_segment_members(segment=self.get_object())
            .select_related("health")
            .order_by("-id")
        )
        page = self.paginate_queryset(members)
        return self.get_paginated_response(CustomerSerializer(page, many=True).data)
