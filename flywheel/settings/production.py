"""Production: the base settings with secure defaults, refusing to start on dev secrets."""

from django.core.exceptions import ImproperlyConfigured

from flywheel.settings.base import *  # noqa: F403
from flywheel.settings.base import DEV_SECRET_KEY, SECRET_KEY, env

if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of 32+ characters.")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("Set DATABASE_URL: production runs on PostgreSQL.")
if not env("CELERY_BROKER_URL", default=""):
    raise ImproperlyConfigured("Set CELERY_BROKER_URL: eager tasks are for the demo only.")

DEBUG = env.bool("DEBUG", default=False)
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
