"""Every admin page renders (list, add, change of each model) for a seeded tenant; the
overview shows the API's figures and charts of the snapshot values; the customer page and
the search box find what support staff are asked about (issue 15)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import ApiKey, Membership
from customers.models import Customer
from flywheel.core.admin import TenantOwnedAdmin
from metrics.models import KpiSnapshot
from referrals.models import ReferralLink
from tests.conftest import client_for_user
from ugc.models import UGCRequest

pytestmark = pytest.mark.django_db


def _first(model):
    manager = getattr(model, "all_tenants", model._default_manager)
    return manager.order_by("pk").first()


def test_every_admin_page_renders_for_every_model(seeded, superuser):
    failures = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        urls = [reverse(f"{base}_changelist")]
        if isinstance(model_admin, TenantOwnedAdmin):  # every tenant-owned list filters by tenant
            urls.append(reverse(f"{base}_changelist") + f"?tenant__id__exact={seeded.pk}")
        if model_admin.has_add_permission(_request(superuser.user)):
            urls.append(reverse(f"{base}_add"))
        obj = _first(model)
        if obj is not None:
            urls.append(reverse(f"{base}_change", args=[obj.pk]))
            urls.append(reverse(f"{base}_history", args=[obj.pk]))
        for url in urls:
            status = superuser.get(url).status_code
            if status != 200:
                failures.append((url, status))
    assert failures == []


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_overview_shows_the_apis_figures(seeded, superuser):
    # given the tenant's owner reading the API
    owner = client_for_user(Membership.all_tenants.get(tenant=seeded, role="owner").user)
    api = owner.get(
        f"/api/v1/tenants/{seeded.slug}/kpis/flywheel/", {"granularity": "month", "closed": "true"}
    ).json()
    # when support staff open the overview
    page = superuser.get(reverse("admin:support_tenant_overview", args=[seeded.pk]))
    # then every KPI row shows the API's value, judged the same way
    assert page.status_code == 200
    html = page.content.decode()
    flywheel = page.context["flywheel"]
    assert flywheel["period_start"].isoformat() == api["period_start"]
    for phase in ("attract", "engage", "delight", "overall"):
        shown = {row["key"]: row for row in flywheel[phase]}
        for row in api[phase]:
            assert shown[row["key"]]["value"] == row["value"], row["key"]
            assert shown[row["key"]]["assessment"] == row["assessment"], row["key"]
            assert f'data-kpi="{row["key"]}"' in html
    # and the people, keys, endpoints and what is broken
    assert "owner@seeded.test" in html
    for key in ApiKey.all_tenants.filter(tenant=seeded):
        assert key.prefix in html
    assert "https://hooks.partner.test/in" in html
    assert "Failing webhook deliveries: 1" in html
    assert "webhooks.deliver</a>: 1" in html
    customers = Customer.all_tenants.filter(tenant=seeded).count()
    assert re.search(rf'data-figure="customers">{customers}<', html)


def test_the_charts_contain_the_snapshot_values(seeded, superuser):
    page = superuser.get(reverse("admin:support_tenant_overview", args=[seeded.pk]))
    html = page.content.decode()
    snapshots = KpiSnapshot.all_tenants.filter(tenant=seeded, granularity="month")
    assert html.count("<figure") == 6
    for snapshot in snapshots.exclude(values__nps=None):
        nps = snapshot.values["nps"]
        assert f"{snapshot.period_start}: {nps:.4g}" in html
    running = snapshots.filter(complete=False).first()
    if running is not None:
        assert "(running, partial)" in html


def test_the_customer_page_shows_everything_about_the_customer(seeded, superuser):
    customer = (
        Customer.all_tenants.filter(tenant=seeded, referral_links__isnull=False).first()
        or Customer.all_tenants.filter(tenant=seeded).first()
    )
    page = superuser.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for title in (
        "Timeline",
        "Health",
        "Referrals and rewards",
        "UGC requests",
        "Emails and webhooks",
    ):
        assert title in html
    for link in ReferralLink.all_tenants.filter(referrer=customer):
        assert link.code in html


@pytest.mark.parametrize(
    "query_of",
    [
        lambda t: t.slug,
        lambda t: Customer.all_tenants.filter(tenant=t).exclude(email="").first().email,
        lambda t: Customer.all_tenants.filter(tenant=t).first().external_id,
        lambda t: ApiKey.all_tenants.filter(tenant=t).first().prefix,
        lambda t: ReferralLink.all_tenants.filter(tenant=t).first().code,
        lambda t: UGCRequest.all_tenants.filter(tenant=t).first().token,
    ],
    ids=["tenant", "email", "external_id", "key_prefix", "referral_code", "ugc_token"],
)
def test_one_search_box_finds_it(seeded, superuser, query_of):
    query = query_of(seeded)
    page = superuser.get(reverse("admin:support_search"), {"q": query})
    assert page.status_code == 200
    groups = page.context["groups"]
    assert groups, query
    assert any(
        query in hit.label or query in hit.detail or seeded.slug in hit.detail
        for _, hits in groups
        for hit in hits
    )


def test_the_slug_cannot_be_changed_and_currency_is_a_choice(seeded, superuser):
    url = reverse("admin:accounts_tenant_change", args=[seeded.pk])
    page = superuser.get(url).content.decode()
    assert 'name="slug"' not in page and '<select name="currency"' in page
    assert '<select name="timezone"' in page
    bad = superuser.post(url, {"name": "X", "currency": "ZZZ", "timezone": "Mars/Base"})
    assert bad.status_code == 200  # the form again, with errors
    assert set(bad.context["adminform"].form.errors) >= {"currency", "timezone"}
