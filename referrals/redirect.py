"""The public referral redirect `/r/<code>`: count the click, set cookies, 302 to the landing.

Hot path: one indexed read (the link with its program) and one INSERT whose counted flag is
decided inside the statement (known bots and the same visitor within 24 h are not counted).
No DRF, no session, no tenant scope: the code is globally unique.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from flywheel.core.privacy import hash_ip
from referrals.fraud import is_bot
from referrals.models import Click, ReferralLink, ReferralProgram

VISITOR_COOKIE = "fw_vid"
REFERRAL_COOKIE = "fw_ref"
REPEAT_WINDOW = timedelta(hours=24)
ONE_YEAR = 365 * 24 * 3600

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
    per connection instead of per request), elsewhere through Django's cursor."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        cursor = connection.connection.execute(sql, params, prepare=True)
        return cursor.fetchone() if fetch else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if fetch else None


def _insert_click(link_id, tenant_id, now, ip_hash, user_agent, visitor_id, bot) -> None:
    table = connection.ops.quote_name(Click._meta.db_table)
    ops = connection.ops
    since = ops.adapt_datetimefield_value(now - REPEAT_WINDOW)
    at = ops.adapt_datetimefield_value(now)
    _execute(
        f"WITH seen AS (SELECT EXISTS (SELECT 1 FROM {table} WHERE link_id = %s "
        f"AND visitor_id = %s AND counted AND occurred_at > %s) AS is_repeat) "
        f"INSERT INTO {table} (tenant_id, link_id, occurred_at, ip_hash, user_agent, "
        f"visitor_id, counted, reason) "
        f"SELECT %s, %s, %s, %s, %s, %s, "
        f"CASE WHEN %s OR seen.is_repeat THEN FALSE ELSE TRUE END, "
        f"CASE WHEN %s THEN 'bot' WHEN seen.is_repeat THEN 'repeat' ELSE '' END FROM seen",
        [
            link_id,
            visitor_id,
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
    globally unique, so this read needs no tenant scope (it decides the tenant).
    """
    link, program = ReferralLink._meta.db_table, ReferralProgram._meta.db_table
    return _execute(
        f"SELECT l.id, l.tenant_id, l.active, p.active, p.landing_url, "
        f"p.attribution_window_days FROM {link} l JOIN {program} p ON p.id = l.program_id "
        f"WHERE l.code = %s",
        [code],
        fetch=True,
    )


@require_GET
def referral_redirect(request, code: str):
    """302 to the program's landing page with `ref=<code>`; unknown or ended code: 404 page."""
    row = _read_link(code)
    if row is None or not (row[2] and row[3]):
        return HttpResponse(_NOT_FOUND, status=404, content_type="text/html")
    link_id, tenant_id, _, _, landing_url, window_days = row
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    ip_hash = hash_ip(tenant_id, request.META.get("REMOTE_ADDR"))
    visitor_id = (
        request.COOKIES.get(VISITOR_COOKIE, "")[:64]
        or hashlib.sha256(f"{ip_hash}|{user_agent}".encode()).hexdigest()[:32]
    )
    _insert_click(
        link_id, tenant_id, timezone.now(), ip_hash, user_agent, visitor_id, is_bot(user_agent)
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
