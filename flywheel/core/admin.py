"""Admin base for tenant-owned models: support staff see every tenant, filter by one; admin
actions that are confirmed, permission-checked and written to the staff audit trail."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.template.response import TemplateResponse
from django.utils.functional import cached_property

from flywheel.core import delivery, subscribers
from flywheel.core.catalogue import event_types
from flywheel.core.models import DomainEvent, EventDelivery, StaffAction
from flywheel.core.tenancy import get_current_tenant, tenant_scope

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most `COUNT_CAP` + 1 rows: a list of millions of rows pages as fast as one of
    thousands (the admin then shows "10,001" results and pages up to there; filters narrow)."""

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()


class TenantOwnedAdmin(admin.ModelAdmin):
    """Lists rows of all tenants with a tenant filter; the tenant column comes first."""

    list_filter = ("tenant",)
    list_select_related = ("tenant",)
    paginator = CappedCountPaginator
    show_full_result_count = False  # no second count of the whole table per page view

    def get_queryset(self, request):
        # The list's own joins too: Django skips `list_select_related` when the queryset
        # already selects related rows, which made one query per row of every list.
        related = self.list_select_related
        joins = related if isinstance(related, (list, tuple)) else ()
        # all_tenants: the admin is the cross-tenant tool of support staff.
        return self.model.all_tenants.select_related("tenant", *joins)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A row's page runs in its tenant's scope: widgets and inlines that read related
        rows through the scoped managers see that tenant's rows, and only those."""
        row = self.get_object(request, object_id) if object_id else None
        if row is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with tenant_scope(row.tenant):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):  # a TemplateResponse renders after the view
                response.render()
            return response

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """On an add page (no row, so no tenant yet) a tenant-owned relation offers every
        tenant's rows; on a row's page the scope above narrows it to the row's tenant."""
        related = db_field.remote_field.model
        if hasattr(related, "all_tenants") and get_current_tenant() is None:
            # all_tenants: an add page of the cross-tenant admin, before a tenant is chosen.
            kwargs.setdefault("queryset", related.all_tenants.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def model_view(model_admin: admin.ModelAdmin, view, *, permission: str = "view"):
    """A custom admin page of `model_admin`: staff login (admin_view) and the model's
    `permission` ("view" or "change"), else 403. Every page added in `get_urls` uses this."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        allowed = getattr(model_admin, f"has_{permission}_permission")(request)
        if not allowed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return model_admin.admin_site.admin_view(checked)


def _json_safe(value):
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def record_staff_action(request, *, action: str, model, rows, tenant_of, detail: dict) -> None:
    """One `StaffAction` per tenant among `rows` (rows of no tenant share one)."""
    by_tenant: dict = defaultdict(list)
    for row in rows:
        by_tenant[tenant_of(row)].append(row.pk)
    slugs = {}
    if any(by_tenant):
        from django.apps import apps

        tenant_model = apps.get_model("accounts", "Tenant")
        slugs = dict(
            tenant_model.objects.filter(pk__in=[t for t in by_tenant if t]).values_list(
                "pk", "slug"
            )
        )
    user = request.user if request.user.is_authenticated else None
    StaffAction.objects.bulk_create(
        StaffAction(
            tenant_id=tenant_id,
            tenant_slug=slugs.get(tenant_id, ""),
            user=user,
            user_label=str(user or ""),
            action=action,
            model=model._meta.label_lower,
            object_ids=ids,
            detail=_json_safe(detail),
        )
        for tenant_id, ids in by_tenant.items()
    )


def each_in_tenant_scope(
    request,
    rows,
    act: Callable,
    *,
    refused: tuple[type[Exception], ...],
    label: Callable = str,
) -> int:
    """Run `act(row)` for every selected row inside its own tenant's scope (the admin lists
    span tenants); a row a business rule refuses (`refused`) is reported as a warning naming
    `label(row)` and the others go on. Returns how many rows `act` took."""
    done = 0
    for row in rows:
        with tenant_scope(row.tenant):
            try:
                act(row)
                done += 1
            except refused as error:
                messages.warning(request, f"{label(row)}: {error.detail}")
    return done


def staff_action(
    description: str,
    *,
    permission: str = "change",
    form=None,
    tenant_of: Callable = lambda row: getattr(row, "tenant_id", None),
):
    """An admin action that asks for confirmation (with the options of `form`, if any), runs
    only for staff with `permission` on the model (Django drops the action otherwise), and
    writes who, what, which rows and which tenant to the staff audit trail.

    The decorated function gets (modeladmin, request, rows, **options) and returns the message
    to show."""

    def decorate(run):
        @admin.action(description=description, permissions=[permission])
        @wraps(run)
        def action(modeladmin, request, queryset):
            confirmed = request.POST.get("confirmed") == "yes"
            options_form = form(request.POST if confirmed else None) if form else None
            if not confirmed or (options_form is not None and not options_form.is_valid()):
                return _confirmation(
                    modeladmin, request, queryset, run.__name__, description, options_form
                )
            options = options_form.cleaned_data if options_form is not None else {}
            rows = list(queryset)
            message = run(modeladmin, request, rows, **options)
            record_staff_action(
                request,
                action=run.__name__,
                model=modeladmin.model,
                rows=rows,
                tenant_of=tenant_of,
                detail={**options, "outcome": message or ""},
            )
            if message:
                modeladmin.message_user(request, message)
            return None

        return action

    return decorate


def _confirmation(modeladmin, request, queryset, name, description, options_form):
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{description}?",
        "opts": opts,
        "action_name": name,
        "description": description,
        "rows": queryset[:100],
        "count": queryset.count(),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "options_form": options_form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/flywheel/confirm_action.html", context)


class EventTypeFilter(admin.SimpleListFilter):
    """Event types from the catalogue (no DISTINCT over millions of outbox rows)."""

    title = "type"
    parameter_name = "name"

    def lookups(self, request, model_admin):
        return [(t.name, t.name) for t in event_types()]

    def queryset(self, request, queryset):
        return queryset.filter(name=self.value()) if self.value() else queryset


class SubscriberFilter(admin.SimpleListFilter):
    """Subscribers from the registry (no DISTINCT over the ledger)."""

    title = "subscriber"
    parameter_name = "subscriber"

    def lookups(self, request, model_admin):
        return [(name, name) for name in subscribers.names()]

    def queryset(self, request, queryset):
        return queryset.filter(subscriber=self.value()) if self.value() else queryset


@admin.register(DomainEvent)
class DomainEventAdmin(TenantOwnedAdmin):
    """The outbox: what happened, and whether every subscriber has taken it."""

    list_display = ("id", "name", "tenant", "occurred_at", "settled_at")
    list_filter = (EventTypeFilter, "tenant")

    def get_ordering(self, request):
        # Newest first by the index that serves the page: a tenant's rows through
        # (tenant, occurred_at), all tenants' through the primary key.
        tenant_chosen = any(key.startswith("tenant") for key in request.GET)
        return ("-occurred_at", "-id") if tenant_chosen else ("-id",)

    search_fields = ("name",)
    readonly_fields = ("tenant", "name", "payload", "occurred_at", "settled_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EventDelivery)
class EventDeliveryAdmin(TenantOwnedAdmin):
    """Deliveries of domain events to subscribers: parked ones with their error, retryable."""

    list_display = ("id", "subscriber", "status", "attempts", "event", "tenant", "updated_at")
    list_filter = ("status", SubscriberFilter, "tenant")
    list_select_related = ("tenant", "event")
    search_fields = ("subscriber", "last_error")
    readonly_fields = (
        "tenant",
        "subscriber",
        "event",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "updated_at",
    )
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @staff_action("Retry the selected parked deliveries")
    def retry(self, request, rows):
        retried = delivery.retry_parked([row.pk for row in rows])
        return f"{retried} parked deliveries queued again."


@admin.register(StaffAction)
class StaffActionAdmin(admin.ModelAdmin):
    """The staff audit trail: every confirmed admin action, by tenant and person."""

    list_display = ("at", "user_label", "action", "model", "tenant_slug", "object_ids")
    list_filter = ("action", "model", "tenant")
    search_fields = ("user_label", "tenant_slug", "action")
    list_select_related = ("tenant",)
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in StaffAction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
