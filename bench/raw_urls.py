"""The project's URLs plus `/raw/<code>`: the redirect's read and insert in plain SQL.

The baseline of bench/redirect.py: the least a Django view can do for the same work (one
read of the link and its program, one INSERT of the click, a 302), without our checks.
"""

from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import re_path

from flywheel.urls import urlpatterns as project_urlpatterns


def raw_redirect(request, code):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.tenant_id, p.landing_url FROM referrals_referrallink l "
            "JOIN referrals_referralprogram p ON p.id = l.program_id "
            "WHERE l.code = %s AND l.active AND p.active",
            [code],
        )
        row = cursor.fetchone()
        if row is None:
            return HttpResponse(status=404)
        cursor.execute(
            "INSERT INTO referrals_click (tenant_id, link_id, occurred_at, ip_hash, user_agent, "
            "visitor_id, counted, reason) VALUES (%s, %s, now(), '', %s, %s, true, '')",
            [row[1], row[0], request.META.get("HTTP_USER_AGENT", "")[:512], code],
        )
    return HttpResponseRedirect(f"{row[2]}?ref={code}")


urlpatterns = [re_path(r"^raw/(?P<code>[A-Za-z0-9]{4,32})$", raw_redirect), *project_urlpatterns]
