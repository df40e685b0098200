"""Test settings: the base settings made fast and deterministic."""

from flywheel.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WEBHOOKS_ALLOW_PRIVATE_URLS = True  # test receivers listen on 127.0.0.1
WEBHOOK_TIMEOUT_SECONDS = 2.0
