"""The hosted page where a customer answers a UGC request: `/p/ugc/{token}`.

Server-rendered HTML (no JavaScript), in the tenant's language, colour and logo: the form
(text, rating, media URL, consent, decline), a thank-you page, and the same refusals as the
JSON flow: an expired request answers 410, one already answered 409, an unknown token 404.
The form posts back to the same URL with Django's CSRF protection.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from flywheel.core.errors import ApplicationError, ConflictError
from flywheel.core.tenancy import tenant_scope
from flywheel.core.validators import WEB_URL
from ugc.copy import texts_for
from ugc.models import UGCRequest, UGCStatus
from ugc.services import requests as services

OPEN = (UGCStatus.REQUESTED, UGCStatus.REMINDED)


def _page(request, template: str, tenant, status: int = 200, **context):
    with translation.override(tenant.language):  # month names in dates
        response = render(request, template, {"tenant": tenant, **context}, status=status)
    add_never_cache_headers(response)
    return response


def _message(request, tenant, title: str, text: str, status: int):
    return _page(request, "ugc/pages/message.html", tenant, status, title=title, text=text)


def _read(post) -> tuple[dict, list[str]]:
    """The form's values and what is wrong with them (in the page's words)."""
    values = {
        "text": post.get("text", "").strip()[:10000],
        "media_url": post.get("media_url", "").strip()[:500],
        "consent": post.get("consent") == "1",
        "rating": None,
    }
    problems = []
    rating = post.get("rating", "")
    if rating in {"1", "2", "3", "4", "5"}:
        values["rating"] = int(rating)
    if values["media_url"]:
        try:
            WEB_URL(values["media_url"])
        except DjangoValidationError:
            problems.append("media_url")
    return values, problems


@require_http_methods(["GET", "HEAD", "POST"])
def ugc_page(request, token: str):
    """GET: the form (or why it cannot be answered); POST: submit or decline."""
    # all_tenants: the public token is globally unique and decides the tenant.
    found = UGCRequest.all_tenants.select_related("tenant").filter(token=token[:64]).first()
    if found is None:
        from types import SimpleNamespace

        neutral = SimpleNamespace(name="", language="en", brand_color="#2f6feb", logo_url="")
        t = texts_for(neutral)
        return _message(request, neutral, t["not_found_title"], t["not_found_text"], 404)
    tenant, t = found.tenant, texts_for(found.tenant)
    if services.is_expired(found):
        return _message(request, tenant, t["expired_title"], t["expired_text"], 410)
    if found.status not in OPEN:
        return _message(request, tenant, t["answered_title"], t["answered_text"], 409)
    context = {
        "t": t,
        "request_obj": found,
        "kind_name": t["kinds"].get(found.kind, ""),
        "stars": range(1, 6),
        "values": {},
        "errors": [],
    }
    if request.method != "POST":
        return _page(request, "ugc/pages/form.html", tenant, **context)
    values, problems = _read(request.POST)
    declining = request.POST.get("action") == "decline"
    if not declining and not (values["text"] or values["media_url"]):
        problems.append("required")
    if problems and not declining:
        errors = [t["required"] if p == "required" else t["media_url"] for p in problems]
        context |= {"values": values, "errors": errors}
        return _page(request, "ugc/pages/form.html", tenant, 400, **context)
    try:
        with tenant_scope(tenant), transaction.atomic():
            if declining:
                services.ugc_request_decline(request=found)
            else:
                services.ugc_request_submit(
                    request=found,
                    text=values["text"],
                    rating=values["rating"],
                    media_url=values["media_url"],
                    consent=values["consent"],
                )
    except services.RequestExpiredError:
        return _message(request, tenant, t["expired_title"], t["expired_text"], 410)
    except ConflictError:
        return _message(request, tenant, t["answered_title"], t["answered_text"], 409)
    except ApplicationError:
        context |= {"values": values, "errors": [t["required"]]}
        return _page(request, "ugc/pages/form.html", tenant, 400, **context)
    text = t["thanks_declined"] if declining else t["thanks_submitted"]
    return _message(request, tenant, t["thanks_title"], text, 200)
