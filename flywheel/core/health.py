"""Probes: `/healthz` (the process answers) and `/readyz` (its dependencies do).

Both are fast paths (settings.FAST_PATHS): they answer on any Host header and over plain
http, so a container probe reaches them at http://web:8000/. `/readyz` checks the database,
the broker and the cache (the throttles need it) and names the failing part only; the error
itself goes to the log, where the request id finds it.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    """The database answers and, where required (production), its tenant floor holds for
    the connected role: a process that connects as the owner or a superuser is not ready."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    if settings.DATABASE_REQUIRE_FLOOR and connection.vendor == "postgresql":
        from flywheel.core import rowsecurity

        problems = rowsecurity.role_problems(connection)
        unprotected = rowsecurity.unprotected_tables(connection)
        if problems or unprotected:
            raise RuntimeError(
                f"The tenant floor does not hold: role is {problems or 'fine'}, tables "
                f"without their policy: {unprotected or 'none'} (see deploy/README.md)."
            )


def check_broker() -> None:
    """The Celery broker accepts a connection (none configured: the demo's eager tasks)."""
    if not settings.CELERY_BROKER_URL:
        return
    from flywheel.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


def check_cache() -> None:
    """The cache stores and returns a value (rate limits and login counts live there)."""
    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("The cache did not return what was stored.")


CHECKS = {"database": check_database, "broker": check_broker, "cache": check_cache}


def _run(name: str, check) -> str:
    try:
        check()
    except Exception:  # any failure means not ready: logged in full, named in the answer
        logger.exception("Readiness check %s failed.", name)
        return "unavailable"
    return "ok"


def healthz(request) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        return JsonResponse({"detail": "Method not allowed."}, status=405)
    return JsonResponse({"status": "ok"})


def readyz(request) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        return JsonResponse({"detail": "Method not allowed."}, status=405)
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
