"""Production: the base settings with secure defaults, refusing to start on unsafe ones."""

from django.core.exceptions import ImproperlyConfigured

from flywheel.core.observability.logs import logging_config
from flywheel.settings.base import *  # noqa: F403
from flywheel.settings.base import (
    API_KEY_PEPPER,
    LOG_LEVEL,
    METRICS_TOKEN,
    SECRET_KEY,
    WEBHOOK_SECRETS_KEY,
    env,
)
from flywheel.settings.guards import fernet_key_problem, secret_problem

for _problem in (
    secret_problem("SECRET_KEY", SECRET_KEY),
    secret_problem("API_KEY_PEPPER", API_KEY_PEPPER),
    fernet_key_problem("WEBHOOK_SECRETS_KEY", WEBHOOK_SECRETS_KEY) if WEBHOOK_SECRETS_KEY else None,
    secret_problem("METRICS_TOKEN", METRICS_TOKEN) if METRICS_TOKEN else None,
):
    if _problem:
        raise ImproperlyConfigured(_problem)
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("Set DATABASE_URL: production runs on PostgreSQL.")
if not env("CELERY_BROKER_URL", default=""):
    raise ImproperlyConfigured("Set CELERY_BROKER_URL: eager tasks are for the demo only.")
ALLOWED_HOSTS = [host for host in env.list("ALLOWED_HOSTS", default=[]) if host]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set ALLOWED_HOSTS to the public host names (comma-separated). Probes reach /healthz, "
        "/readyz and /metrics on any host over plain http; nothing else does."
    )

DEBUG = env.bool("DEBUG", default=False)
DATABASE_REQUIRE_FLOOR = env.bool("DATABASE_REQUIRE_FLOOR", default=True)
CELERY_TASK_ALWAYS_EAGER = False
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
ACCESS_LOG = env.bool("ACCESS_LOG", default=True)
