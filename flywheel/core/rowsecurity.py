"""The database's tenant floor: PostgreSQL row-level security under every tenant table.

The application filters every query by the tenant in scope (`flywheel.core.tenancy`); this is
the floor under it, for the query that forgets. Each tenant table (every concrete
`TenantOwnedModel`) has row-level security enabled and *forced* and one policy,
`tenant_floor`: a row is visible and writable when its `tenant_id` is the transaction's
`flywheel.tenant_id`, or when the transaction is marked `flywheel.cross_tenant = on`. Neither
set: no rows.

Both settings are transaction-local (`set_config(..., true)`, what `SET LOCAL` does) and come
from one place, the scope in `tenancy`: the execute wrapper here puts them in front of the first
statement of each transaction (of every statement in autocommit, in the same round trip), and
again whenever the scope changes inside a transaction. Nothing carries over to the next request
on a pooled connection.

The web and worker processes connect as a role that is neither the tables' owner, a superuser
nor BYPASSRLS (`DATABASE_APP_ROLE`); migrations run as the owner, which installs the policies
(`post_migrate`) and grants the application role its rights. The threat is an application bug,
not SQL injection: the settings are plain GUCs any session may set.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from flywheel.core.tenancy import TenantOwnedModel, database_scope

POLICY = "tenant_floor"
TENANT_SETTING = "flywheel.tenant_id"
CROSS_SETTING = "flywheel.cross_tenant"

FUNCTIONS = [
    # Inlined by the planner (STABLE single SELECT): the policy costs two setting reads.
    f"""CREATE OR REPLACE FUNCTION flywheel_tenant() RETURNS bigint
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT nullif(current_setting('{TENANT_SETTING}', true), '')::bigint $$""",
    f"""CREATE OR REPLACE FUNCTION flywheel_cross_tenant() RETURNS boolean
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT coalesce(current_setting('{CROSS_SETTING}', true), '') = 'on' $$""",
]
# Each function in a scalar subquery: an InitPlan evaluated once per statement, so the rows
# are compared with two parameters instead of reading both settings row by row.
CONDITION = "(SELECT flywheel_cross_tenant()) OR tenant_id = (SELECT flywheel_tenant())"


def tenant_tables() -> list[type[models.Model]]:
    """Every table that holds one tenant's rows: the concrete tenant-owned models."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel) and model._meta.managed and not model._meta.proxy
    ]


def policy_statements(table: str) -> list[str]:
    quoted = f'"{table}"'
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {quoted}",
        f"CREATE POLICY {POLICY} ON {quoted} USING ({CONDITION}) WITH CHECK ({CONDITION})",
        # what the policy was made from: a changed CONDITION is put in place by the next migrate
        f"COMMENT ON POLICY {POLICY} ON {quoted} IS '{CONDITION}'",
    ]


def unprotected_tables(connection) -> list[str]:
    """Tenant tables without the forced floor: RLS off, not forced, or no `tenant_floor`
    policy made from the current condition (what the catalogue test and `/readyz` check)."""
    tables = [model._meta.db_table for model in tenant_tables()]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
               WHERE c.relname = ANY(%s) AND c.relrowsecurity AND c.relforcerowsecurity
                 AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                             AND p.polname = %s AND p.polcmd = '*' AND p.polpermissive
                             AND obj_description(p.oid, 'pg_policy') = %s
                             AND pg_get_expr(p.polqual, p.polrelid)
                                 = pg_get_expr(p.polwithcheck, p.polrelid))""",
            [tables, POLICY, CONDITION],
        )
        protected = {row[0] for row in cursor.fetchall()}
    return sorted(set(tables) - protected)


def install(connection) -> list[str]:
    """Create the functions and put the floor under every tenant table that lacks it (the
    owner runs this after each migrate); returns the tables it changed."""
    missing = unprotected_tables(connection)
    if not missing:
        return []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in FUNCTIONS:
            cursor.execute(statement)
        for table in missing:
            for statement in policy_statements(table):
                cursor.execute(statement)
    return missing


def grant(connection, role: str) -> None:
    """The application role's rights: data, not schema (no DDL, no TRUNCATE)."""
    name = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            return
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        ):
            cursor.execute(statement)


def role_problems(connection) -> list[str]:
    """Why the connected role would pass the floor: superuser, BYPASSRLS, or owner of a
    tenant table (empty when the floor holds for it)."""
    tables = [model._meta.db_table for model in tenant_tables()]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.rolsuper, r.rolbypassrls,
                      EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = ANY(%s)
                              AND pg_has_role(current_user, c.relowner, 'USAGE'))
               FROM pg_roles r WHERE r.rolname = current_user""",
            [tables],
        )
        superuser, bypass, owner = cursor.fetchone()
    return [
        reason
        for reason, present in (("superuser", superuser), ("bypassrls", bypass), ("owner", owner))
        if present
    ]


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """`post_migrate` receiver: the floor and the application role's grants, on PostgreSQL."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    install(connection)
    role = getattr(settings, "DATABASE_APP_ROLE", "")
    if role:
        grant(connection, role)


# --- telling the database the scope ------------------------------------------------------

_SAVEPOINT_ROLLBACK = "ROLLBACK TO SAVEPOINT"
# Statements the policies apply to (and DO/CALL, which may run such statements). Others pass
# unprefixed: DDL and maintenance are not subject to row-level security, and some (VACUUM,
# CREATE INDEX CONCURRENTLY) cannot run in the transaction block a prefix would make.
_READS_OR_WRITES_ROWS = re.compile(
    r"\s*\(*\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|TABLE|VALUES|COPY|EXPLAIN|DO|CALL)\b",
    re.IGNORECASE,
)
_IDLE = 0  # psycopg's TransactionStatus.IDLE: no transaction open
UNSCOPED = (None, False)


_SCOPE_PREPARED = (
    f"SELECT set_config('{TENANT_SETTING}', %s, true), set_config('{CROSS_SETTING}', %s, true)"
)


def _setting_values(tenant_id: int | None, cross: bool) -> tuple[str, str]:
    """The two settings' text: the tenant's id (or empty) and `on` (or empty)."""
    return ("" if tenant_id is None else str(int(tenant_id))), ("on" if cross else "")


def scope_sql(tenant_id: int | None, cross: bool) -> str:
    """The statement that sets both settings for the current transaction, values inline (it
    prefixes statements whose own parameters follow; both values are digits or fixed words)."""
    tenant, mark = _setting_values(tenant_id, cross)
    return (
        f"SELECT set_config('{TENANT_SETTING}', '{tenant}', true), "
        f"set_config('{CROSS_SETTING}', '{mark}', true)"
    )


class ScopeFloor:
    """An execute wrapper (Django's `connection.execute_wrappers`) that sets the scope.

    It knows what the open transaction was told (`told`, reset whenever the connection is
    idle or a savepoint rolls back) and sends the settings only when they differ from it:
    once per transaction, or with every statement in autocommit, as a prefix of the statement
    itself (one round trip)."""

    def __init__(self) -> None:
        self.told: tuple[int | None, bool] | None = None

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        wanted = database_scope()
        if connection.connection.info.transaction_status == _IDLE:
            self.told = UNSCOPED  # a transaction begins with this statement: it knows nothing
        if isinstance(sql, str) and sql.startswith(_SAVEPOINT_ROLLBACK):
            result = execute(sql, params, many, context)
            self.told = None  # what was set after the savepoint is undone
            return result
        if self.told == wanted or not _READS_OR_WRITES_ROWS.match(sql):
            return execute(sql, params, many, context)
        if many:
            return self._separately(connection, wanted, execute, sql, params, many, context)
        result = execute(f"{scope_sql(*wanted)}; {sql}", params, many, context)
        context["cursor"].cursor.nextset()
        self.told = wanted
        return result

    def _separately(self, connection, wanted, execute, sql, params, many, context):
        """`executemany`: set the scope with its own statement in a transaction."""
        with transaction.atomic(using=connection.alias):
            connection.connection.execute(scope_sql(*wanted))
            self.told = wanted
            return execute(sql, params, many, context)


def instrument_connection(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: every PostgreSQL connection tells the scope."""
    if connection.vendor != "postgresql":
        return
    if not any(isinstance(w, ScopeFloor) for w in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, ScopeFloor())


def run_prepared(connection, statements: Sequence[tuple[str, list]]) -> list[tuple | None]:
    """Run server-side prepared statements (the redirect's hot path) with the scope set for
    them, in one pipeline: the settings and the statements share one implicit transaction
    (or join the open one). Returns each statement's first row."""
    connection.ensure_connection()
    raw = connection.connection
    cursors = []
    with raw.pipeline():
        raw.execute(_SCOPE_PREPARED, list(_setting_values(*database_scope())), prepare=True)
        for sql, params in statements:
            cursors.append(raw.execute(sql, params, prepare=True))
    for wrapper in connection.execute_wrappers:
        if isinstance(wrapper, ScopeFloor):
            wrapper.told = None  # an open transaction was told something else
    return [cursor.fetchone() if cursor.description else None for cursor in cursors]


@contextlib.contextmanager
def copy(cursor, statement: str):
    """psycopg's COPY on a Django cursor, under the scope, for a COPY that reads or writes a
    tenant table the policies apply to: COPY does not pass the execute wrappers, so a
    transaction is opened (or joined) and told the scope first. (The bulk helpers of
    `flywheel.core.sql` COPY only into temporary staging tables, or into a table the policies
    do not apply to: they need no scope.)"""
    with transaction.atomic(using=cursor.db.alias):
        cursor.execute("SELECT 1")  # the wrapper tells this transaction the scope
        with cursor.cursor.copy(statement) as stream:
            yield stream
