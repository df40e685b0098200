"""REST adapters of metrics: KPI definitions, snapshots (JSON and CSV), the latest ones, the
flywheel view, recompute jobs, cohorts by channel, acquisition spend, thresholds, alerts."""

from __future__ import annotations

import csv
from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.roles import Role
from accounts.tenant_api import TenantAPIView, TenantViewSet
from flywheel.core import timebounds
from flywheel.core.views import CRUD, READ_ONLY
from metrics.api import serializers as s
from metrics.filters import KpiAlertFilterSet, KpiSnapshotFilterSet
from metrics.models import AcquisitionSpend, KpiAlert, KpiJob, KpiSnapshot, KpiThreshold
from metrics.periods import GRANULARITIES, current_period, period_of
from metrics.registry import BY_KEY, KPIS
from metrics.selectors import flywheel_view, latest_snapshots
from metrics.selectors.cohorts import cohorts_served
from metrics.services.jobs import job_create

CSV_MAX_ROWS = 10_000
GRANULARITY = OpenApiParameter(
    "granularity", str, enum=list(GRANULARITIES), description="Default `month`."
)
KPIS_PARAM = OpenApiParameter(
    "kpis", str, description="Comma-separated KPI keys to include in `values` (default all)."
)


def _granularity(request) -> str:
    value = request.query_params.get("granularity", "month")
    if value not in GRANULARITIES:
        raise ValidationError({"granularity": [f"One of {', '.join(GRANULARITIES)}."]})
    return value


def _chosen_kpis(request) -> list[str]:
    raw = request.query_params.get("kpis", "")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        raise ValidationError({"kpis": [f"Unknown KPI keys: {', '.join(unknown)}."]})
    return keys


@extend_schema(tags=["kpis"])
class KpiDefinitionsView(TenantAPIView):
    """The KPI registry: key, name, phase, unit, good direction and formula of every KPI."""

    scope_area = "kpis"
    pagination_class = None
    filter_backends: list = []

    @extend_schema(responses={200: s.KpiDefinitionSerializer(many=True)})
    def get(self, request, tenant):
        return Response([kpi.as_dict() for kpi in KPIS])


@extend_schema(tags=["kpis"])
class KpiSnapshotViewSet(*READ_ONLY, TenantViewSet):
    """Stored snapshots, newest period first; `export/` gives the same rows as CSV."""

    model = KpiSnapshot
    serializer_class = s.KpiSnapshotSerializer
    scope_area = "kpis"
    filterset_class = KpiSnapshotFilterSet
    ordering = "-period_start"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None:
            context["kpis"] = _chosen_kpis(self.request)
        return context

    @extend_schema(parameters=[KPIS_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[KPIS_PARAM],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description=f"One row per snapshot (at most {CSV_MAX_ROWS:,})."
            )
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request, tenant):
        """The filtered snapshots as CSV: period columns, then one column per KPI."""
        keys = _chosen_kpis(request) or [kpi.key for kpi in KPIS]
        rows = self.filter_queryset(self.get_queryset()).order_by("granularity", "period_start")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kpis-{self.tenant.slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(["granularity", "period_start", "period_end", "complete", *keys])
        for snap in rows[:CSV_MAX_ROWS]:
            values = [snap.values.get(key) for key in keys]
            writer.writerow(
                [
                    snap.granularity,
                    snap.period_start,
                    snap.period_end,
                    "true" if snap.complete else "false",  # as in the JSON, not Python's True
                ]
                + ["" if v is None else v for v in values]
            )
        return response


@extend_schema(tags=["kpis"])
class KpiLatestView(TenantAPIView):
    """The snapshot with the newest period of each granularity (null before the first)."""

    scope_area = "kpis"

    @extend_schema(parameters=[KPIS_PARAM], responses={200: s.LatestSnapshotsSerializer})
    def get(self, request, tenant):
        context = {"kpis": _chosen_kpis(request)}
        return Response(
            {
                granularity: s.KpiSnapshotSerializer(snap, context=context).data if snap else None
                for granularity, snap in latest_snapshots().items()
            }
        )


@extend_schema(tags=["kpis"])
class KpiFlywheelView(TenantAPIView):
    """The newest period's KPIs by phase (attract, engage, delight, overall), each with the
    previous period's value, the change, its direction and whether that is good or bad."""

    scope_area = "kpis"

    @extend_schema(
        parameters=[
            GRANULARITY,
            OpenApiParameter(
                "closed", bool, description="Use the newest complete period (default: running)."
            ),
        ],
        responses={200: s.FlywheelSerializer},
    )
    def get(self, request, tenant):
        closed = request.query_params.get("closed", "false")
        if closed not in ("true", "false"):
            raise ValidationError({"closed": ["`true` or `false`."]})
        view = flywheel_view(
            tenant=self.tenant, granularity=_granularity(request), closed=closed == "true"
        )
        return Response(s.FlywheelSerializer(view).data)


@extend_schema(tags=["kpis"])
class KpiComputeView(TenantAPIView):
    """Queue a recomputation of every period in a range (admins); poll `kpis/jobs/{id}/`."""

    scope_area = "kpis"
    write_role = Role.ADMIN
    serializer_class = s.RangeSerializer

    @extend_schema(request=s.RangeSerializer, responses={202: s.KpiJobSerializer})
    def post(self, request, tenant):
        serializer = s.RangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = job_create(
            tenant=self.tenant,
            requested_by=str(request.auth or request.user),
            **serializer.validated_data,
        )
        return Response(s.KpiJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["kpis"])
class KpiJobViewSet(*READ_ONLY, TenantViewSet):
    """Recompute jobs and their progress (`done` of `total` periods)."""

    model = KpiJob
    serializer_class = s.KpiJobSerializer
    scope_area = "kpis"
    ordering = "-id"


@extend_schema(tags=["kpis"])
class KpiCohortsView(TenantAPIView):
    """KPIs per acquisition channel for one period (referral vs organic ...): from the period's
    snapshot (its per-channel sums, as of its `as_of`), or computed set-based on request and
    cached when the period has no snapshot yet."""

    scope_area = "kpis"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by", str, enum=["acquisition_channel"], description="Default and only value."
            ),
            GRANULARITY,
            OpenApiParameter(
                "period", date, description="A day of the period (default: today's period)."
            ),
        ],
        responses={200: s.CohortsSerializer},
    )
    def get(self, request, tenant):
        if request.query_params.get("by", "acquisition_channel") != "acquisition_channel":
            raise ValidationError({"by": ["Only `acquisition_channel` is supported."]})
        granularity = _granularity(request)
        raw = request.query_params.get("period")
        tz = self.tenant.timezone
        if raw:
            try:
                period = period_of(granularity, timebounds.parse_bounded_date(raw), tz)
            except ValueError as error:  # OutOfRange included
                raise ValidationError({"period": [str(error)]}) from error
        else:
            period = current_period(granularity, timezone.now(), tz)
        cohorts, as_of = cohorts_served(tenant=self.tenant, period=period)
        data = {
            "by": "acquisition_channel",
            "granularity": granularity,
            "period_start": period.start,
            "period_end": period.end,
            "as_of": as_of,
            "cohorts": cohorts,
        }
        return Response(s.CohortsSerializer(data).data)


@extend_schema(tags=["kpis"])
class AcquisitionSpendViewSet(*CRUD, TenantViewSet):
    """Acquisition spend per channel and date range; snapshots take it pro rata by days."""

    model = AcquisitionSpend
    serializer_class = s.AcquisitionSpendSerializer
    scope_area = "kpis"
    write_role = Role.ADMIN
    ordering = "-id"


@extend_schema(tags=["kpis"])
class KpiThresholdViewSet(*CRUD, TenantViewSet):
    """Alert thresholds per KPI: relative (percent) or absolute moves the bad way."""

    model = KpiThreshold
    serializer_class = s.KpiThresholdSerializer
    scope_area = "kpis"
    write_role = Role.ADMIN
    ordering = "id"


@extend_schema(tags=["kpis"])
class KpiAlertViewSet(*READ_ONLY, TenantViewSet):
    """KPI alerts, newest first; `acknowledge/` marks one as seen."""

    model = KpiAlert
    serializer_class = s.KpiAlertSerializer
    scope_area = "kpis"
    filterset_class = KpiAlertFilterSet
    ordering = "-id"

    @extend_schema(request=None, responses={200: s.KpiAlertSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, tenant, pk=None):
        """Mark the alert as seen (the first acknowledgement stands)."""
        alert = self.get_object()
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.acknowledged_by = str(request.auth or request.user)[:200]
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        return Response(s.KpiAlertSerializer(alert).data)
