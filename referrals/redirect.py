"""The public referral redirect `/r/<code>`: count the click, set cookies, 302 to the landing.

Hot path: a cache increment (the per-address limit), one indexed read (the link with its
program) and one INSERT whose counted flag is decided inside the statement (known bots, and
the same visitor or the same address and user agent within 24 h, are not counted).
No DRF, no session: the code is globally unique, so the link is read across tenants (the
explicit `cross_tenant()` path) and the click is written in the link's tenant scope, under the
database's tenant floor like every other write.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.models import Tenant
from flywheel.core.client_ip import client_ip
from flywheel.core.privacy import hash_ip
from flywheel.core.rowsecurity import run_prepared
from flywheel.core.tenancy import cross_tenant, tenant_scope
from referrals.fraud import is_bot
from referrals.models import Click, ReferralLink, ReferralProgram

VISITOR_COOKIE = "fw_vid"
REFERRAL_COOKIE = "fw_ref"
REPEAT_WINDOW = timedelta(hours=24)
ONE_YEAR = 365 * 24 * 3600

_TOO_MANY = "<!doctype html><title>Slow down</title><h1>Too many requests; try again soon.</h1>"
_NOT_FOUND = (
    "<!doctype html><title>Link not found</title>"
    "<h1>This referral link does not exist or has ended.</h1>"
)


def with_ref(url: str, code: str) -> str:
    """`url` with `ref=<code>` added, keeping its other query parameters."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    query.append(("ref", code))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _execute(sql: str, params: list, *, fetch: bool = False):
    """Run one statement; on PostgreSQL as a server-side prepared statement (planned once
    per connection instead of per request) with the scope set in the same round trip,
    elsewhere through Django's cursor."""
    if connection.vendor == "postgresql":
        (row,) = run_prepared(connection, [(sql, params)])
        return row if fetch else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if fetch else None


def _insert_click(link_id, tenant_id, now, ip_hash, user_agent, visitor_id, bot) -> None:
    """Store the click; it counts unless a bot or a repeat: the same visitor cookie, or the
    same address and user agent (the cookie is the client's to forge or drop), within 24 h."""
    table = connection.ops.quote_name(Click._meta.db_table)
    ops = connection.ops
    since = ops.adapt_datetimefield_value(now - REPEAT_WINDOW)
    at = ops.adapt_datetimefield_value(now)
    _execute(
        f"WITH seen AS (SELECT EXISTS (SELECT 1 FROM {table} WHERE link_id = %s "
        f"AND visitor_id = %s AND counted AND occurred_at > %s) OR EXISTS (SELECT 1 "
        f"FROM {table} WHERE link_id = %s AND ip_hash = %s AND user_agent = %s AND counted "
        f"AND occurred_at > %s) AS is_repeat) "
        f"INSERT INTO {table} (tenant_id, link_id, occurred_at, ip_hash, user_agent, "
        f"visitor_id, counted, reason) "
        f"SELECT %s, %s, %s, %s, %s, %s, "
        f"CASE WHEN %s OR seen.is_repeat THEN FALSE ELSE TRUE END, "
        f"CASE WHEN %s THEN 'bot' WHEN seen.is_repeat THEN 'repeat' ELSE '' END FROM seen",
        [
            link_id,
            visitor_id,
            since,
            link_id,
            ip_hash,
            user_agent,
            since,
            tenant_id,
            link_id,
            at,
            ip_hash,
            user_agent,
            visitor_id,
            bot,
            bot,
        ],
    )


def _read_link(code: str) -> tuple | None:
    """(link id, tenant id, link active, program active, landing URL, window days) or None.

    Plain SQL on purpose: compiling the ORM query cost more than running it. The code is
    globally unique, so this read crosses tenants (it decides the tenant).
    """
    link, program = ReferralLink._meta.db_table, ReferralProgram._meta.db_table
    with cross_tenant():
        return _execute(
            f"SELECT l.id, l.tenant_id, l.active, p.active, p.landing_url, "
            f"p.attribution_window_days FROM {link} l JOIN {program} p ON p.id = l.program_id "
            f"WHERE l.code = %s",
            [code],
            fetch=True,
        )


def _rate_limited(address: str) -> int | None:
    """Seconds to wait when `address` used up its redirects of this minute, else None.

    A fixed one-minute window per client address in the cache (generous: a person clicks a
    few links; a script inflating clicks or probing codes gets 429)."""
    limit = _per_minute(settings.THROTTLE_RATES["redirect"])
    window = int(time.time() // 60)
    key = f"throttle:redirect:{address}:{window}"
    cache.add(key, 0, timeout=61)
    try:
        used = cache.incr(key)
    except ValueError:
        return None
    return 60 - int(time.time()) % 60 if used > limit else None


def _per_minute(rate: str) -> int:
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[:1] or "m"]
    return max(1, int(int(count) * 60 / seconds))


@require_safe
def referral_redirect(request, code: str):
    """302 to the program's landing page with `ref=<code>`; unknown or ended code: 404 page.

    HEAD answers the same without counting a click; each client address may follow
    `THROTTLE_REDIRECT_RATE` redirects (default 600 a minute), then 429 with Retry-After."""
    address = client_ip(request)
    wait = _rate_limited(address)
    if wait is not None:
        response = HttpResponse(_TOO_MANY, status=429, content_type="text/html")
        response["Retry-After"] = str(wait)
        return response
    row = _read_link(code)
    if row is None or not (row[2] and row[3]):
        return HttpResponse(_NOT_FOUND, status=404, content_type="text/html")
    link_id, tenant_id, _, _, landing_url, window_days = row
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    ip_hash = hash_ip(tenant_id, address)
    visitor_id = (
        request.COOKIES.get(VISITOR_COOKIE, "")[:64]
        or hashlib.sha256(f"{ip_hash}|{user_agent}".encode()).hexdigest()[:32]
    )
    if request.method == "GET":  # HEAD (link checkers, previews) is not a click
        with tenant_scope(Tenant(pk=tenant_id)):  # the floor needs only the tenant's id
            _insert_click(
                link_id,
                tenant_id,
                timezone.now(),
                ip_hash,
                user_agent,
                visitor_id,
                is_bot(user_agent),
            )
    response = HttpResponseRedirect(with_ref(landing_url, code))
    response.set_cookie(
        REFERRAL_COOKIE,
        code,
        max_age=window_days * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    if VISITOR_COOKIE not in request.COOKIES:
        response.set_cookie(
            VISITOR_COOKIE,
            visitor_id,
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    return response
