"""REST adapters of customers: customers, bulk upsert, timeline, events and bulk ingestion."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.roles import Role
from accounts.tenant_api import TenantViewSet
from customers import selectors, services
from customers.actors import Actor
from customers.api import serializers as s
from customers.api.bulk import validate_items
from customers.filters import CustomerFilterSet, EventFilterSet
from customers.models import Customer, CustomerErasure, Event
from customers.services import erasure
from customers.services.bulk import MAX_BATCH as MAX_CUSTOMERS
from customers.services.events import MAX_BATCH as MAX_EVENTS
from flywheel.core import personal_data, timebounds
from flywheel.core.errors import ApplicationError
from flywheel.core.pagination import is_whole_number
from flywheel.core.views import READ_ONLY, CreateModelMixin, UpdateModelMixin


class BatchTooLargeError(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "batch_too_large"


def _batch(request, key: str, limit: int) -> list:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["A JSON object is required."]})
    items = request.data.get(key)
    if not isinstance(items, list):
        raise ValidationError({key: ["A list is required."]})
    if len(items) > limit:
        raise BatchTooLargeError(f"At most {limit} {key} per request; got {len(items)}.")
    return items


@extend_schema_view(
    list=extend_schema(description="Customers with filters, search and cursor pagination."),
    create=extend_schema(request=s.CustomerCreateSerializer),
)
@extend_schema(tags=["customers"])
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateModelMixin,
    UpdateModelMixin,
    mixins.DestroyModelMixin,
    TenantViewSet,
):
    """The tenant's customers (leads to advocates); a `stage` change records history."""

    model = Customer
    serializer_class = s.CustomerSerializer
    scope_area = "customers"
    filterset_class = CustomerFilterSet
    search_fields = ["email", "name", "external_id"]
    ordering_fields = ["id", "created_at", "updated_at", "mrr", "name"]
    ordering = "-id"
    action_roles = {"export": Role.ADMIN, "erase": Role.ADMIN}

    def safely_get_queryset(self, queryset):
        return queryset.select_related("health")

    def get_serializer_class(self):
        return s.CustomerCreateSerializer if self.action == "create" else s.CustomerSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        code = data.pop("referral_code", None)
        context = {key: data.pop(key) for key in ("signup_ip", "signup_user_agent") if key in data}
        serializer.instance = services.customer_create(
            tenant=self.tenant,
            data=data,
            actor=Actor.from_request(self.request),
            referral_code=code,
            signup_context=context,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        changed_at = data.pop("changed_at", None)
        serializer.instance = services.customer_update(
            customer=serializer.instance,
            data=data,
            actor=Actor.from_request(self.request),
            changed_at=changed_at,
        )

    def perform_destroy(self, instance):
        services.customer_delete(customer=instance)

    @extend_schema(
        request=s.CustomerBulkSerializer, responses={200: s.CustomerBulkResponseSerializer}
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request, tenant):
        """Create or update up to 1,000 customers by `external_id`; per-item results."""
        items = _batch(request, "customers", MAX_CUSTOMERS)
        valid, rejected = validate_items(items, self.tenant)
        result = services.customers_bulk_upsert(
            tenant=self.tenant,
            total=len(items),
            valid=valid,
            rejected=rejected,
            actor=Actor.from_request(request),
        )
        return Response(
            {
                "created": result.created,
                "updated": result.updated,
                "rejected": result.rejected,
                "results": result.results,
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("before", str, description="ISO time: entries strictly before."),
            OpenApiParameter("limit", int, description="1..200, default 50."),
        ],
        responses={200: s.TimelineSerializer},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, tenant, pk=None):
        """Events and stage changes of the customer, newest first; page with `next_before`."""
        customer = self.get_object()
        before_raw = request.query_params.get("before")
        try:
            before = timebounds.parse_bounded_datetime(before_raw) if before_raw else None
        except ValueError as error:  # OutOfRange included
            raise ValidationError({"before": [str(error)]}) from error
        limit_raw = request.query_params.get("limit", "50")
        if not is_whole_number(limit_raw) or not 1 <= int(limit_raw) <= 200:
            raise ValidationError({"limit": ["A whole number from 1 to 200."]})
        limit = int(limit_raw)
        entries = selectors.customer_timeline(customer=customer, before=before, limit=limit)
        data = [{"type": e.type, "at": e.at, "data": e.data} for e in entries]
        next_before = entries[-1].at if len(entries) == limit else None
        return Response(s.TimelineSerializer({"results": data, "next_before": next_before}).data)

    @extend_schema(responses={200: s.PersonalDataExportSerializer})
    @action(detail=True, methods=["get"])
    def export(self, request, tenant, pk=None):
        """Every piece of personal data held about the customer, from every app (the right of
        access and portability); admins and keys with `customers:read`. Each export is written
        to the audit trail (who, when, which customer)."""
        customer = self.get_object()
        data = personal_data.export(customer)
        personal_data.log_access(customer, access="export", request=request)
        return Response(s.PersonalDataExportSerializer(data).data)

    @extend_schema(request=None, responses={202: s.CustomerErasureSerializer})
    @action(detail=True, methods=["post"])
    def erase(self, request, tenant, pk=None):
        """Erase the customer's personal data everywhere (the right to erasure), as a job:
        202 with its id, then poll `customer-erasures/{id}/`. The record stays, anonymised,
        so aggregate KPIs keep their counts; see docs/reliability.md for what goes."""
        job = erasure.erasure_request(
            customer=self.get_object(), requested_by=str(request.auth or request.user)
        )
        return Response(s.CustomerErasureSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    create=extend_schema(
        request=s.EventInSerializer,
        responses={201: s.EventSerializer, 200: s.EventSerializer},
        description="Ingest one event; a repeated `id` answers 200 with the stored event.",
    ),
)
@extend_schema(tags=["events"])
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Activity events (immutable facts), looked up by their sender `id`."""

    model = Event
    serializer_class = s.EventSerializer
    scope_area = "events"
    filterset_class = EventFilterSet
    ordering_fields = ["occurred_at", "id"]
    ordering = "-id"
    lookup_field = "sender_id"
    lookup_value_regex = "[^/]+"

    def safely_get_queryset(self, queryset):
        return queryset.select_related("customer")

    def create(self, request, tenant):
        result = services.events_ingest(
            tenant=self.tenant,
            items=[request.data],
            create_missing_customers=False,
            actor=Actor.from_request(request),
        )
        item = result.results[0]
        if item["status"] == "rejected":
            raise ValidationError(_nested(item["errors"]))
        event = self.get_queryset().get(sender_id=item["id"])
        code = status.HTTP_201_CREATED if item["status"] == "created" else status.HTTP_200_OK
        return Response(s.EventSerializer(event).data, status=code)

    @extend_schema(request=s.EventBulkSerializer, responses={200: s.EventBulkResponseSerializer})
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request, tenant):
        """Ingest up to 1,000 events; counts and per-item results in request order."""
        items = _batch(request, "events", MAX_EVENTS)
        unknown = set(request.data) - {"events", "create_missing_customers"}
        if unknown:
            raise ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
        create_missing = request.data.get("create_missing_customers", False)
        if not isinstance(create_missing, bool):
            raise ValidationError({"create_missing_customers": ["Must be a boolean."]})
        if create_missing:
            self.require_scope("customers", write=True)
        result = services.events_ingest(
            tenant=self.tenant,
            items=items,
            create_missing_customers=create_missing,
            actor=Actor.from_request(request),
        )
        return Response(
            {
                "created": result.created,
                "duplicate": result.duplicate,
                "rejected": result.rejected,
                "results": result.results,
            }
        )


def _nested(errors: list[dict[str, str]]) -> dict[str, list]:
    """Item errors back into DRF's {field: [ErrorDetail]} form for a single-event 400."""
    from rest_framework.exceptions import ErrorDetail

    nested: dict[str, list] = {}
    for error in errors:
        nested.setdefault(error["field"], []).append(
            ErrorDetail(error["message"], code=error["code"])
        )
    return nested


@extend_schema(tags=["customers"])
class CustomerErasureViewSet(*READ_ONLY, TenantViewSet):
    """Erasure jobs and their outcome (rows changed per part)."""

    model = CustomerErasure
    serializer_class = s.CustomerErasureSerializer
    scope_area = "customers"
    ordering = "-id"
