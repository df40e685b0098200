"""The hosted unsubscribe page: `/p/unsubscribe/{token}` (GET asks, POST unsubscribes).

A link in every email names the customer by a signed token; a GET only shows the question
(mail scanners follow links), the button's POST unsubscribes through the customers service.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Tenant
from customers.models import Customer
from customers.services import customer_unsubscribe
from flywheel.core.tenancy import tenant_scope
from webhooks.copy import texts_for
from webhooks.emails import read_unsubscribe_token

NEUTRAL = SimpleNamespace(name="", language="en", brand_color="#2f6feb", logo_url="")


def _page(request, tenant, status: int = 200, **context):
    response = render(
        request, "webhooks/pages/unsubscribe.html", {"tenant": tenant, **context}, status=status
    )
    add_never_cache_headers(response)
    return response


# CSRF-exempt on purpose: the signed token is the capability (RFC 8058 one-click unsubscribe
# posts from the mail client), and unsubscribing is the only thing it can do.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request, token: str):
    found = read_unsubscribe_token(token)
    tenant = Tenant.objects.filter(pk=found[1], active=True).first() if found else None
    if tenant is None:
        t = texts_for(NEUTRAL)
        return _page(request, NEUTRAL, 404, t=t, title=t["not_found_title"], done=True)
    t = texts_for(tenant)
    with tenant_scope(tenant):
        customer = Customer.objects.filter(pk=found[0]).first()
        if customer is None:
            return _page(request, tenant, 404, t=t, title=t["not_found_title"], done=True)
        if request.method == "POST":
            customer_unsubscribe(customer=customer)
    done = request.method == "POST" or customer.email_opt_out_at is not None
    title = t["unsubscribed_title"] if done else t["unsubscribe_title"]
    return _page(request, tenant, t=t, title=title, done=done)
