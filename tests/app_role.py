"""The suite runs as the application's role on PostgreSQL: neither owner, superuser nor
BYPASSRLS, so the tenant floor (flywheel.core.rowsecurity) holds under every test.

The test database is created and migrated as the connecting superuser (the owner, as in a
deployment); then every connection switches to `ROLE` with `SET ROLE`. The role may also
TRUNCATE, which only the flush between transactional tests uses."""

import contextlib

from django.db import connection as default_connection
from django.db import connections
from django.db.backends.signals import connection_created

from flywheel.core import rowsecurity

ROLE = "flywheel_test_app"
_active = False


def create_role_sql(role: str, *, login: bool) -> str:
    """A role the tenant floor holds (no superuser, no BYPASSRLS), unless it exists (roles
    are the cluster's: runs side by side may both create it)."""
    return (
        f"DO $$ BEGIN CREATE ROLE {role} {'LOGIN' if login else 'NOLOGIN'} NOSUPERUSER "
        "NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )


def create(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(create_role_sql(ROLE, login=False))
    rowsecurity.grant(connection, ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {ROLE}")


def _switch(sender, connection, **kwargs) -> None:
    if _active and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {ROLE}")


def enable() -> None:
    global _active
    _active = True
    connection_created.connect(_switch, dispatch_uid="tests-app-role")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _switch(None, connection)


def disable() -> None:
    global _active
    _active = False
    connection_created.disconnect(dispatch_uid="tests-app-role")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")


def active() -> bool:
    return _active


@contextlib.contextmanager
def as_owner():
    """Run the block as the connecting owner (no floor), then as the application role again."""
    if not _active:
        yield
        return
    with default_connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        with default_connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {ROLE}")
