"""Shared fixtures: API clients per role and credential, on-commit capture, PostgreSQL marker,
and on PostgreSQL the application's role under every test (tests/app_role.py)."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.roles import Role
from tests.accounts.factories import ApiKeyFactory, MembershipFactory, TenantFactory


def pytest_collection_modifyitems(config, items):
    """Skip `@pytest.mark.postgres` tests when the database is not PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the owner created and migrated the test database, run as the application role."""
    from tests import app_role

    if not _on_postgres():
        yield
        return
    with django_db_blocker.unblock():
        app_role.create(connection)
        app_role.enable()
    yield
    with django_db_blocker.unblock():
        app_role.disable()


@pytest.fixture(autouse=True)
def _test_code_crosses_tenants():
    """Test code (factories, set-up, assertions) is trusted to read and write any tenant's
    rows; the code under test does not inherit that: each request and task starts unscoped
    (UnscopedRequestMiddleware, ScopedTask) and services run in their tenant's scope."""
    from flywheel.core.tenancy import cross_tenant

    with cross_tenant():
        yield


@pytest.fixture(scope="session", autouse=True)
def _cross_checks():
    """Every object a test writes out is written DRF's way too, and every row a test loads is
    loaded Django's way too; each must come out the same (flywheel.core.representation and
    flywheel.core.loading)."""
    from flywheel.core import loading, representation

    representation.CROSS_CHECK = loading.CROSS_CHECK = True
    yield
    representation.CROSS_CHECK = loading.CROSS_CHECK = False


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    from flywheel.core import ratelimit

    cache.clear()
    ratelimit.reset_local()
    yield
    cache.clear()
    ratelimit.reset_local()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def tenant(db):
    return TenantFactory()


def client_for_user(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def client_for_key(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def member_client(tenant):
    """A factory: `member_client(role)` -> (client, membership) for a session user."""

    def make(role: str = Role.MEMBER):
        membership = MembershipFactory(tenant=tenant, role=role)
        return client_for_user(membership.user), membership

    return make


@pytest.fixture
def owner_client(member_client):
    client, _ = member_client(Role.OWNER)
    return client


@pytest.fixture
def key_client(tenant):
    """A factory: `key_client(scopes=None)` -> (client, api_key) with an API key."""

    def make(scopes=None):
        kwargs = {"tenant": tenant}
        if scopes is not None:
            kwargs["scopes"] = scopes
        api_key = ApiKeyFactory(**kwargs)
        return client_for_key(api_key.secret), api_key

    return make


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def broker_down():
    """A broker address nothing listens on; publishing is not retried (fails at once)."""
    from flywheel.celery import app as celery_app
    from flywheel.core import queue

    saved = {
        key: celery_app.conf[key]
        for key in (
            "task_always_eager",
            "broker_url",
            "broker_write_url",
            "broker_read_url",
            "task_publish_retry",
        )
    }
    nowhere = "redis://127.0.0.1:1/0"

    def connect_anew():  # the app keeps its connection pool across changes of broker_url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        queue.resume()

    celery_app.conf.update(  # the write and read URLs are filled from broker_url at setup
        task_always_eager=False,
        broker_url=nowhere,
        broker_write_url=nowhere,
        broker_read_url=nowhere,
        task_publish_retry=False,
    )
    connect_anew()
    yield
    celery_app.conf.update(**saved)
    connect_anew()
