"""The customer page of the support admin: everything about one customer on one screen -
timeline, health (components, alerts, band history), referrals and rewards, UGC requests, and
the emails and webhooks sent about it. Every list is the newest rows, through an index."""

from __future__ import annotations

from django.db.models import Q

from customers.models import Customer
from customers.selectors import customer_timeline
from flywheel.core.tenancy import tenant_scope
from referrals.models import Referral, ReferralLink, Reward
from segments.models import HealthAlert, HealthChange
from ugc.models import UGCRequest
from webhooks.models import SentEmail, WebhookDelivery

LATEST = 20


def customer_sections(customer: Customer) -> dict:
    with tenant_scope(customer.tenant):
        health = customer.current_health
        return {
            "timeline": customer_timeline(customer=customer, limit=LATEST),
            "health": health,
            "health_alerts": list(
                HealthAlert.objects.filter(customer=customer).order_by("-started_at")[:LATEST]
            ),
            "health_changes": list(
                HealthChange.objects.filter(customer=customer).order_by("-changed_at")[:LATEST]
            ),
            "links": list(
                ReferralLink.objects.filter(referrer=customer)
                .select_related("program")
                .order_by("-created_at")
            ),
            "referrals": list(
                Referral.objects.filter(Q(referrer=customer) | Q(referee=customer))
                .select_related("referrer", "referee")
                .order_by("-id")[:LATEST]
            ),
            "rewards": list(Reward.objects.filter(recipient=customer).order_by("-id")[:LATEST]),
            "ugc_requests": list(
                UGCRequest.objects.filter(customer=customer).order_by("-id")[:LATEST]
            ),
            "emails": list(SentEmail.objects.filter(customer=customer).order_by("-id")[:LATEST]),
            "webhooks": list(
                WebhookDelivery.objects.filter(customer_id=customer.pk)
                .select_related("endpoint")
                .order_by("-id")[:LATEST]
            ),
        }
