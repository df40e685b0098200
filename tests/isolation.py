"""The isolation registry: one factory per tenant-owned model served by a tenant route.

A new endpoint's model must be registered here (`register(Model, factory)`), or the
cross-tenant isolation test fails for its route. Factories take the tenant to create in.
"""

from collections.abc import Callable

from accounts.models import ApiKey, Membership
from customers.models import Customer, CustomerErasure, Event
from metrics.models import AcquisitionSpend, KpiAlert, KpiJob, KpiSnapshot, KpiThreshold
from referrals.models import Referral, ReferralLink, ReferralProgram, Reward
from segments.models import CustomerSegment, MarketSegment, MarketSizing, ScoringModel
from tests.accounts.factories import ApiKeyFactory, MembershipFactory
from tests.customers.factories import CustomerErasureFactory, CustomerFactory, EventFactory
from tests.metrics.factories import (
    AcquisitionSpendFactory,
    KpiAlertFactory,
    KpiJobFactory,
    KpiSnapshotFactory,
    KpiThresholdFactory,
)
from tests.referrals.factories import (
    ReferralFactory,
    ReferralLinkFactory,
    ReferralProgramFactory,
    RewardFactory,
)
from tests.segments.factories import (
    CustomerSegmentFactory,
    MarketSegmentFactory,
    MarketSizingFactory,
    ScoringModelFactory,
)
from tests.ugc.factories import UGCRequestFactory, UGCRuleFactory
from tests.webhooks.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from ugc.models import UGCRequest, UGCRule
from webhooks.models import WebhookDelivery, WebhookEndpoint

FACTORIES: dict[type, Callable] = {}


def register(model: type, factory: Callable) -> None:
    FACTORIES[model] = factory


register(Membership, lambda tenant: MembershipFactory(tenant=tenant))
register(ApiKey, lambda tenant: ApiKeyFactory(tenant=tenant))
register(Customer, lambda tenant: CustomerFactory(tenant=tenant))
register(Event, lambda tenant: EventFactory(tenant=tenant))
register(CustomerErasure, lambda tenant: CustomerErasureFactory(tenant=tenant))
register(ReferralProgram, lambda tenant: ReferralProgramFactory(tenant=tenant))
register(ReferralLink, lambda tenant: ReferralLinkFactory(tenant=tenant))
register(Referral, lambda tenant: ReferralFactory(tenant=tenant))
register(Reward, lambda tenant: RewardFactory(tenant=tenant))
register(UGCRequest, lambda tenant: UGCRequestFactory(tenant=tenant))
register(UGCRule, lambda tenant: UGCRuleFactory(tenant=tenant))
register(ScoringModel, lambda tenant: ScoringModelFactory(tenant=tenant))
register(MarketSegment, lambda tenant: MarketSegmentFactory(tenant=tenant))
register(MarketSizing, lambda tenant: MarketSizingFactory(tenant=tenant))
register(CustomerSegment, lambda tenant: CustomerSegmentFactory(tenant=tenant))
register(KpiSnapshot, lambda tenant: KpiSnapshotFactory(tenant=tenant))
register(KpiJob, lambda tenant: KpiJobFactory(tenant=tenant))
register(AcquisitionSpend, lambda tenant: AcquisitionSpendFactory(tenant=tenant))
register(KpiThreshold, lambda tenant: KpiThresholdFactory(tenant=tenant))
register(KpiAlert, lambda tenant: KpiAlertFactory(tenant=tenant))
register(WebhookEndpoint, lambda tenant: WebhookEndpointFactory(tenant=tenant))
register(WebhookDelivery, lambda tenant: WebhookDeliveryFactory(tenant=tenant))
