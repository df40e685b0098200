"""Operations endpoints: `/healthz` (the process answers) and `/readyz` (its dependencies do)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

BROKER_TIMEOUT_SECONDS = 2


def check_database() -> str | None:
    """None when a trivial query succeeds, else the error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means not ready; report it, never raise
        return f"{type(exc).__name__}: {exc}"
    return None


def check_broker() -> str | None:
    """None when the Celery broker accepts a connection (or none is configured: demo mode)."""
    if not settings.CELERY_BROKER_URL:
        return None
    from flywheel.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means not ready
        return f"{type(exc).__name__}: {exc}"
    return None


@require_GET
def healthz(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request) -> JsonResponse:
    failures = {
        name: error
        for name, check in (("database", check_database), ("broker", check_broker))
        if (error := check()) is not None
    }
    checks = {name: failures.get(name, "ok") for name in ("database", "broker")}
    if failures:
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})
