"""Root URLconf: API v1, the tenant router, schema and docs, admin.

The probes (/healthz, /readyz) and /metrics are fast paths (settings.FAST_PATHS).
"""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.api.views import TenantDetailView
from flywheel.router import tenant_router
from metrics.api.views import (
    KpiCohortsView,
    KpiComputeView,
    KpiDefinitionsView,
    KpiFlywheelView,
    KpiLatestView,
)
from referrals.redirect import referral_redirect
from segments.api.views import HealthModelView, HealthRecomputeView
from ugc.api.views import PublicUGCView
from ugc.pages import ugc_page
from webhooks.api.views import EmailSettingsView
from webhooks.pages import unsubscribe_page

tenant_patterns = [
    path("", TenantDetailView.as_view(), name="tenant-detail"),
    path("health-model/", HealthModelView.as_view(), name="health-model"),
    path("health-model/recompute/", HealthRecomputeView.as_view(), name="health-recompute"),
    path("kpis/definitions/", KpiDefinitionsView.as_view(), name="kpi-definitions"),
    path("kpis/latest/", KpiLatestView.as_view(), name="kpi-latest"),
    path("kpis/flywheel/", KpiFlywheelView.as_view(), name="kpi-flywheel"),
    path("kpis/compute/", KpiComputeView.as_view(), name="kpi-compute"),
    path("kpis/cohorts/", KpiCohortsView.as_view(), name="kpi-cohorts"),
    path("email-settings/", EmailSettingsView.as_view(), name="email-settings"),
    *tenant_router.urls,
]

urlpatterns = [
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/tenants/<slug:tenant>/", include(tenant_patterns)),
    path("api/v1/public/ugc/<str:token>", PublicUGCView.as_view(), name="public-ugc"),
    path("p/ugc/<str:token>", ugc_page, name="ugc-page"),
    path("p/unsubscribe/<str:token>", unsubscribe_page, name="unsubscribe-page"),
    re_path(r"^r/(?P<code>[A-Za-z0-9]{4,32})$", referral_redirect, name="referral-redirect"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc/",
        # Our page: no Google Fonts (flywheel/core/templates/flywheel/redoc.html).
        SpectacularRedocView.as_view(url_name="schema", template_name="flywheel/redoc.html"),
        name="redoc",
    ),
    path("admin/", admin.site.urls),
]

handler404 = "flywheel.core.errors.not_found_view"
handler500 = "flywheel.core.errors.server_error_view"
