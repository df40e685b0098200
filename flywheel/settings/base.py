"""Base settings, read from the environment; every variable is listed in deploy/.env.example.

With no environment at all this is the embedded demo: SQLite file, eager Celery, DEBUG on.
"""

import warnings
from pathlib import Path

import environ
from celery.schedules import crontab

from flywheel.core.observability.logs import logging_config

# WhiteNoise warns when collectstatic has not run (the demo and tests serve no static files).
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEV_SECRET_KEY = "dev-insecure-flywheel-secret-key-change-me"  # refused by production.py

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public links (referral redirects, UGC pages) are built on this address.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Email to customers (webhooks.emails): the console in the demo, SMTP in production,
# e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.com:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@flywheel.local")

# Partner webhooks (webhooks/): private and loopback targets only for development and tests.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=3)
# A Fernet key for the signing secrets at rest; empty: derived from SECRET_KEY.
WEBHOOK_SECRETS_KEY = env("WEBHOOK_SECRETS_KEY", default="")

# Key hashes are HMACs under this pepper; rotating it invalidates every API key and token.
API_KEY_PEPPER = env("API_KEY_PEPPER", default=SECRET_KEY)

INSTALLED_APPS = [
    # First, so that its admin templates (the frame, the overview) take precedence.
    "flywheel.support",
    "flywheel.core.apps.SupportAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "flywheel.core",
    "accounts",
    "customers",
    "referrals",
    "ugc",
    "segments",
    "metrics",
    "webhooks",
    "flywheel.demo",
]

MIDDLEWARE = [
    "flywheel.core.observability.middleware.ObservabilityMiddleware",
    "flywheel.core.middleware.UnscopedRequestMiddleware",
    "flywheel.core.middleware.FastPathMiddleware",
    "flywheel.core.middleware.BodySizeLimitMiddleware",
    "flywheel.core.middleware.RequestTextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "flywheel.core.middleware.ProblemNotFoundMiddleware",
]

ROOT_URLCONF = "flywheel.urls"
WSGI_APPLICATION = "flywheel.wsgi.application"
ASGI_APPLICATION = "flywheel.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # An unreachable server fails a request (and /readyz) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
    # Each statement carries the tenant floor's settings in front of it (rowsecurity), which
    # a server-side cursor's DECLARE cannot take: `.iterator()` reads with client cursors.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# The role web and worker processes connect as (neither owner, superuser nor BYPASSRLS);
# `migrate`, run as the owner, grants it the rights on the data. Empty: no grants.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="")
# `/readyz` fails while the connected role would pass the tenant floor (superuser, BYPASSRLS,
# owner) or a tenant table lacks its policy. On in production.
DATABASE_REQUIRE_FLOOR = env.bool("DATABASE_REQUIRE_FLOOR", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://flywheel")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Throttles read the cache on every request: a lost Redis must not hang them.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, now

STATIC_URL = "static/"
# The image collects into /app/staticfiles (the code itself lives in site-packages).
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

# Public hot paths served before the middleware stack (flywheel.core.middleware.FastPathMiddleware).
# The probes are among them: they answer on any Host and over plain http (container probes
# call http://web:8000/readyz), while every other path keeps the host check and HTTPS redirect.
REFERRAL_CODE_PATTERN = r"(?P<code>[A-Za-z0-9]{4,32})"
FAST_PATHS = [
    (rf"^/r/{REFERRAL_CODE_PATTERN}$", "referrals.redirect.referral_redirect"),
    (r"^/healthz$", "flywheel.core.health.healthz"),
    (r"^/readyz$", "flywheel.core.health.readyz"),
    (r"^/metrics$", "flywheel.core.observability.views.metrics_view"),
]

# Observability (flywheel.core.observability): Prometheus at /metrics for a bearer token or
# a direct peer in these networks; one JSON access line a request when ACCESS_LOG is on.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
ACCESS_LOG = env.bool("ACCESS_LOG", default=False)
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from flywheel.core.observability.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Bodies above this are answered 413 before any parsing (bulk endpoints take 1,000 items).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|r)/.*$"
CORS_ALLOW_CREDENTIALS = env.bool("CORS_ALLOW_CREDENTIALS", default=False)
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-csrftoken",
)

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies (addresses or networks) whose X-Forwarded-For names the client; none by default, so
# the header is ignored unless the deployment says which proxy writes it (core.client_ip).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Requests per window; DRF rate syntax ("1200/min"). Read per request, so tests can override.
THROTTLE_RATES = {
    "api_key": env("THROTTLE_API_KEY_RATE", default="1200/min"),
    "user": env("THROTTLE_USER_RATE", default="1200/min"),
    "anon": env("THROTTLE_ANON_RATE", default="120/min"),
    "redirect": env("THROTTLE_REDIRECT_RATE", default="600/min"),
    # every request to one tenant's resources, whichever key or member makes it
    "tenant": env("THROTTLE_TENANT_RATE", default="6000/min"),
}
# Failed logins per account (email) in a window, beside the per-address limit ("anon").
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=10)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.ApiKeyRateThrottle",
        "accounts.throttling.UserRateThrottle",
        "accounts.throttling.TenantRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "flywheel.core.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["flywheel.core.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "flywheel.core.schema.AutoSchema",
    "DEFAULT_METADATA_CLASS": "flywheel.core.metadata.MinimalMetadata",
    "EXCEPTION_HANDLER": "flywheel.core.errors.problem_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Flywheel API",
    "DESCRIPTION": (
        "Multi-tenant customer-flywheel backend. Tenant resources live under "
        "`/api/v1/tenants/{tenant}/`; errors are `application/problem+json`."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The reader's own fonts: nothing is fetched from another origin (see flywheel/redoc.html).
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif",
                "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif"},
            }
        }
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RewardKindEnum": "referrals.models.RewardKind",
        "EventKindEnum": "customers.models.EventKind",
        "ReferralStatusEnum": "referrals.models.ReferralStatus",
        "RewardStatusEnum": "referrals.models.RewardStatus",
        "StageEnum": "customers.lifecycle.Stage",
        "UgcKindEnum": "ugc.models.UGCKind",
        "UgcStatusEnum": "ugc.models.UGCStatus",
        "UgcTriggerEnum": "ugc.models.UGCTrigger",
        "AcquisitionChannelEnum": "customers.lifecycle.Channel",
        "GranularityEnum": "metrics.models.Granularity",
        "KpiPhaseEnum": "metrics.registry.PHASES",
        "PhaseEnum": "customers.lifecycle.Phase",
        "ApiKeyScopeEnum": "accounts.scopes.ALL_SCOPES",
        "TokenScopeEnum": "accounts.scopes.TOKEN_SCOPES",
        "KpiUnitEnum": "metrics.registry.UNIT_CHOICES",
        "KpiGoodEnum": "metrics.registry.GOOD_CHOICES",
        # KPI recompute jobs and customer erasures share these states
        "JobStatusEnum": "flywheel.core.jobs.JobStatus",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
    "WEBHOOKS": "flywheel.webhook_catalogue.WEBHOOKS",
}

# Celery: no broker configured means the embedded demo, where tasks run in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# Publishing fails fast when the broker is down (the outbox keeps the work; see core.queue).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Processes per worker: set it (WORKER_CONCURRENCY) rather than inherit the host's core count.
CELERY_WORKER_CONCURRENCY = env.int("WORKER_CONCURRENCY", default=2)
# Our LOGGING (JSON in production, with request and task ids) applies inside workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat keeps its schedule state here; the image points it at a volume the worker user owns.
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default="celerybeat-schedule")
# A task must finish well inside the broker's visibility timeout, or Redis redelivers it
# while it still runs; tests/test_settings.py checks the ordering.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
# Queues per workload (docs/scaling.md): off, every task goes to the default queue `celery`;
# on (CELERY_SPLIT_QUEUES=true), each workload has its queue and workers choose with `-Q`, so
# a slow receiver or a month of KPI recomputes never delays event delivery.
WORKLOAD_ROUTES = {
    "flywheel.core.tasks.domain_event_deliver_task": {"queue": "events"},
    "flywheel.core.tasks.domain_events_sweep_task": {"queue": "events"},
    "webhooks.tasks.webhook_delivery_send_task": {"queue": "webhooks"},
    "webhooks.tasks.webhook_deliveries_due_task": {"queue": "webhooks"},
    "webhooks.tasks.email_send_task": {"queue": "emails"},
    "webhooks.tasks.emails_due_task": {"queue": "emails"},
    "metrics.tasks.kpis_dispatch_task": {"queue": "kpis"},
    "metrics.tasks.kpi_snapshot_task": {"queue": "kpis"},
    "metrics.tasks.kpi_job_task": {"queue": "kpis"},
    "segments.tasks.health_recompute_all_task": {"queue": "health"},
    "segments.tasks.health_recompute_task": {"queue": "health"},
}
CELERY_TASK_ROUTES = WORKLOAD_ROUTES if env.bool("CELERY_SPLIT_QUEUES", default=False) else {}
CELERY_BEAT_SCHEDULE = {
    "rewards-approve-due": {
        "task": "referrals.tasks.rewards_approve_due_all_task",
        "schedule": 15 * 60,
    },
    "health-recompute": {
        "task": "segments.tasks.health_recompute_all_task",
        # Nightly; HEALTH_RECOMPUTE_SECONDS sets an interval instead (the e2e run uses one).
        "schedule": int(env("HEALTH_RECOMPUTE_SECONDS", default="") or 0)
        or crontab(hour=2, minute=0),
    },
    "ugc-requests-remind": {"task": "ugc.tasks.ugc_requests_remind_all_task", "schedule": 3600},
    "ugc-requests-expire": {"task": "ugc.tasks.ugc_requests_expire_all_task", "schedule": 3600},
    "referrals-expire": {"task": "referrals.tasks.referrals_expire_all_task", "schedule": 60 * 60},
    "kpis-dispatch": {
        "task": "metrics.tasks.kpis_dispatch_task",
        "schedule": env.int("KPI_DISPATCH_SECONDS", default=60 * 60),
    },
    "webhook-deliveries-due": {
        "task": "webhooks.tasks.webhook_deliveries_due_task",
        "schedule": 60,
    },
    "emails-due": {"task": "webhooks.tasks.emails_due_task", "schedule": 60},
    "domain-events-sweep": {
        "task": "flywheel.core.tasks.domain_events_sweep_task",
        "schedule": 60,
    },
    "idempotency-keys-purge": {
        "task": "flywheel.core.tasks.idempotency_records_purge_task",
        "schedule": 60 * 60,
    },
}

# KPI snapshots: which granularities the dispatcher keeps, and how many closed periods back
# it checks for a missing or unfinished snapshot on every beat.
KPI_GRANULARITIES = env.list("KPI_GRANULARITIES", default=["day", "week", "month", "quarter"])
KPI_RECONCILE_PERIODS = env.int("KPI_RECONCILE_PERIODS", default=3)

AUDITLOG_INCLUDE_ALL_MODELS = False
# Look up the previous version by primary key, outside any tenant scope (admin, tasks).
AUDITLOG_USE_BASE_MANAGER = True

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# json: one object a line (production's default); text: readable lines (the demo's).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
