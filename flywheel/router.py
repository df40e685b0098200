"""The one router of tenant resources: every viewset under `/api/v1/tenants/{tenant}/`.

Apps add their viewsets here, so the isolation test finds every tenant route in one place.
"""

from rest_framework.routers import SimpleRouter

from accounts.api.views import ApiKeyViewSet, MemberViewSet
from customers.api.views import CustomerErasureViewSet, CustomerViewSet, EventViewSet
from metrics.api.views import (
    AcquisitionSpendViewSet,
    KpiAlertViewSet,
    KpiJobViewSet,
    KpiSnapshotViewSet,
    KpiThresholdViewSet,
)
from referrals.api.views import (
    ReferralLinkViewSet,
    ReferralProgramViewSet,
    ReferralViewSet,
    RewardViewSet,
)
from segments.api.views import (
    CustomerSegmentViewSet,
    MarketSegmentViewSet,
    MarketSizingViewSet,
    ScoringModelViewSet,
)
from ugc.api.views import UGCRequestViewSet, UGCRuleViewSet
from webhooks.api.views import WebhookDeliveryViewSet, WebhookEndpointViewSet

tenant_router = SimpleRouter(trailing_slash=True)
tenant_router.register("members", MemberViewSet, basename="member")
tenant_router.register("api-keys", ApiKeyViewSet, basename="api-key")
tenant_router.register("customers", CustomerViewSet, basename="customer")
tenant_router.register("events", EventViewSet, basename="event")
tenant_router.register("customer-erasures", CustomerErasureViewSet, basename="customer-erasure")
tenant_router.register("referral-programs", ReferralProgramViewSet, basename="referral-program")
tenant_router.register("referral-links", ReferralLinkViewSet, basename="referral-link")
tenant_router.register("referrals", ReferralViewSet, basename="referral")
tenant_router.register("rewards", RewardViewSet, basename="reward")
tenant_router.register("ugc-requests", UGCRequestViewSet, basename="ugc-request")
tenant_router.register("ugc-rules", UGCRuleViewSet, basename="ugc-rule")
tenant_router.register("scoring-models", ScoringModelViewSet, basename="scoring-model")
tenant_router.register("market-segments", MarketSegmentViewSet, basename="market-segment")
tenant_router.register("market-sizing", MarketSizingViewSet, basename="market-sizing")
tenant_router.register("customer-segments", CustomerSegmentViewSet, basename="customer-segment")
tenant_router.register("kpis/snapshots", KpiSnapshotViewSet, basename="kpi-snapshot")
tenant_router.register("kpis/jobs", KpiJobViewSet, basename="kpi-job")
tenant_router.register("acquisition-spend", AcquisitionSpendViewSet, basename="acquisition-spend")
tenant_router.register("kpi-thresholds", KpiThresholdViewSet, basename="kpi-threshold")
tenant_router.register("kpi-alerts", KpiAlertViewSet, basename="kpi-alert")
tenant_router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
tenant_router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
