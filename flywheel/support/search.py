"""One search box for support staff: a tenant by slug or name, a customer by email or
external id, an API key by prefix, a referral link by code, a UGC request by token.

Each lookup uses an index: customers are looked up per tenant (`tenant_id IN (...)` leads
the tenant's email and external-id indexes), codes and tokens are unique, keys few."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import ApiKey, Tenant
from customers.models import Customer
from referrals.models import ReferralLink
from ugc.models import UGCRequest

LIMIT = 20


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str
    url: str


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def find(query: str) -> list[tuple[str, list[Hit]]]:
    """(group title, hits) for every kind of thing that matches `query`."""
    # all_tenants everywhere below: the admin's search spans tenants by design.
    tenants = {
        t.pk: t
        for t in [
            *Tenant.objects.filter(slug__iexact=query),
            *Tenant.objects.filter(name__icontains=query).order_by("slug")[:LIMIT],
        ]
    }.values()
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    customers = list(
        Customer.all_tenants.filter(
            tenant_id__in=tenant_ids, email__in={query, query.lower()}
        ).select_related("tenant")[:LIMIT]
    ) + list(
        Customer.all_tenants.filter(tenant_id__in=tenant_ids, external_id=query).select_related(
            "tenant"
        )[:LIMIT]
    )
    keys = ApiKey.all_tenants.filter(prefix__startswith=query[:32]).select_related("tenant")
    links = ReferralLink.all_tenants.filter(code=query[:32]).select_related("tenant", "referrer")
    requests = UGCRequest.all_tenants.filter(token=query[:64]).select_related("tenant", "customer")
    groups = [
        (
            "Tenants",
            [
                Hit(
                    f"{t.name} ({t.slug})",
                    "overview",
                    reverse("admin:support_tenant_overview", args=[t.pk]),
                )
                for t in tenants
            ],
        ),
        (
            "Customers",
            [
                Hit(str(c), f"{c.tenant.slug} · {c.stage} · {c.external_id}", _change_url(c))
                for c in {c.pk: c for c in customers}.values()
            ],
        ),
        (
            "API keys",
            [
                Hit(f"{k.prefix}… {k.name}", f"{k.tenant.slug}", _change_url(k))
                for k in keys[:LIMIT]
            ],
        ),
        (
            "Referral links",
            [Hit(f.code, f"{f.tenant.slug} · {f.referrer}", _change_url(f)) for f in links],
        ),
        (
            "UGC requests",
            [
                Hit(
                    f"{r.kind} #{r.pk}",
                    f"{r.tenant.slug} · {r.customer} · {r.status}",
                    _change_url(r),
                )
                for r in requests
            ],
        ),
    ]
    return [(title, hits) for title, hits in groups if hits]
