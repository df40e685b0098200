"""Set-based SQL the ORM does not express: inserts that skip conflicts and say what they wrote."""

from __future__ import annotations

import contextlib
import json
import operator
import uuid
from collections.abc import Sequence

from django.db import connection, models, transaction
from django.utils import timezone

from flywheel.core.tenancy import require_current_tenant

# SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535.
MAX_PARAMS = 30_000
# Above this many rows, PostgreSQL inserts and updates go through COPY into a temporary table:
# rendering (psycopg splits and quotes every parameter of a statement too long for its cache)
# and planning one long VALUES list cost more than the statement itself (docs/decisions.md).
COPY_THRESHOLD = 100


def insert_ignoring_conflicts(
    model: type[models.Model],
    rows: Sequence[models.Model | dict],
    *,
    conflict: str,
    returning: Sequence[str],
) -> list[tuple]:
    """`INSERT ... ON CONFLICT <conflict> DO NOTHING RETURNING <returning>` for new rows.

    Returns the rows this call inserted (conflicting ones are skipped, which is what makes
    concurrent identical requests safe). Rows are unsaved model instances or dicts of attribute
    names (a missing one takes the field's default, as `Model()` would). Works on PostgreSQL
    and SQLite >= 3.35. `conflict` is SQL, e.g. `(tenant_id, sender_id)` or
    `(tenant_id, external_id) WHERE external_id IS NOT NULL`, or "" to skip a conflict with
    any unique constraint. On PostgreSQL more than COPY_THRESHOLD rows go through COPY into a
    temporary table and one `INSERT ... SELECT`: a multi-row VALUES statement of thousands of
    parameters costs more to render than to run.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    on_conflict = f"ON CONFLICT {conflict} DO NOTHING" if conflict else "ON CONFLICT DO NOTHING"
    tail = f"{on_conflict} RETURNING {', '.join(quote(name) for name in returning)}"
    from_dict = isinstance(rows[0], dict)
    if connection.vendor == "postgresql" and len(rows) > COPY_THRESHOLD:
        return _insert_staged(table, columns, rows, _copy_values(fields, from_dict), tail)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, MAX_PARAMS // len(fields))
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [_prepared(f, row, from_dict) for row in chunk for f in fields]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "
                f"VALUES {', '.join([placeholder] * len(chunk))} {tail}",
                params,
            )
            inserted.extend(cursor.fetchall())
    return inserted


def _prepared(f: models.Field, row: models.Model | dict, from_dict: bool):
    """One column's value as `save()` would send it."""
    if from_dict:
        value = row[f.attname] if f.attname in row else _default(f)
    else:
        value = f.pre_save(row, add=True)
    return f.get_db_prep_save(value, connection)


def update_from_values(
    model: type[models.Model],
    *,
    fields: Sequence[str],
    rows: Sequence[tuple],
    assignments: str,
    condition: str = "",
) -> int:
    """`UPDATE <table> SET <assignments> FROM (VALUES rows) AS v WHERE <table>.id = v.id ...`.

    One statement updates many rows with a different value each (what `UPDATE ... FROM` is
    for), on PostgreSQL and SQLite >= 3.33. `rows` are `(pk, value, ...)` tuples matching
    `("id", *fields)`; values are prepared by the model's own fields. `assignments` and
    `condition` are SQL; the new values are `v.new_<column>`, so plain column names mean the
    current ones; only rows of the tenant in scope are touched (TenantScopeError without one).
    Returns the number of rows updated.
    """
    if not rows:
        return 0
    tenant_id = require_current_tenant().pk
    if connection.vendor == "postgresql" and len(rows) > COPY_THRESHOLD:
        return _update_from_copy(
            model,
            tenant_id=tenant_id,
            fields=fields,
            rows=rows,
            assignments=assignments,
            condition=condition,
        )
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    model_fields = [model._meta.get_field(name) for name in fields]
    aliases = ", ".join(
        f"{_typed(f'column{i + 2}', f)} AS {quote('new_' + f.column)}"
        for i, f in enumerate(model_fields)
    )
    placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    per_statement = max(1, MAX_PARAMS // (len(fields) + 1))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list = []
            for pk, *values in chunk:
                params.append(pk)
                params.extend(
                    f.get_db_prep_save(v, connection)
                    for f, v in zip(model_fields, values, strict=True)
                )
            where = f"{table}.id = v.id AND {table}.tenant_id = %s"
            if condition:
                where += f" AND ({condition})"
            cursor.execute(
                f"UPDATE {table} SET {assignments} "
                f"FROM (SELECT column1 AS id, {aliases} "
                f"FROM (VALUES {', '.join([placeholder] * len(chunk))}) AS vals) AS v "
                f"WHERE {where}",
                [*params, tenant_id],
            )
            updated += cursor.rowcount
    return updated


def _typed(expression: str, f: models.Field) -> str:
    """`expression` cast to the field's column type on PostgreSQL, where a VALUES column of
    NULLs alone would otherwise be text (SQLite's casts change values: left alone there)."""
    if connection.vendor == "postgresql":
        return f"CAST({expression} AS {f.db_type(connection)})"
    return expression


def _update_from_copy(model, *, tenant_id, fields, rows, assignments, condition) -> int:
    """`update_from_values` for many rows on PostgreSQL: COPY to a temp table, one UPDATE."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    model_fields = [model._meta.get_field(name) for name in fields]
    staging = quote(f"_fw_update_{uuid.uuid4().hex[:12]}")
    columns = ", ".join(f"{quote('new_' + f.column)} {f.db_type(connection)}" for f in model_fields)
    json_positions = {i for i, f in enumerate(model_fields) if isinstance(f, models.JSONField)}
    where = f"{table}.id = v.id AND {table}.tenant_id = %s"
    if condition:
        where += f" AND ({condition})"
    dump = _json_once()
    with _staging(staging, f"(id bigint, {columns})") as cursor:
        with cursor.cursor.copy(f"COPY {staging} FROM STDIN") as copy:
            for pk, *values in rows:
                copy.write_row(
                    [pk, *(dump(v) if i in json_positions else v for i, v in enumerate(values))]
                )
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {staging} AS v WHERE {where}", [tenant_id]
        )
        return cursor.rowcount


@contextlib.contextmanager
def _staging(name: str, definition: str, query: str = ""):
    """A cursor and a temporary table `name` for one bulk statement's rows (PostgreSQL). The
    table lives in a transaction (or savepoint) of its own: a failing statement takes it
    away with its rollback, and the caller sees that statement's error. COPY into it needs no
    tenant scope (temporary tables have no policy); the statement that moves its rows into a
    tenant table passes the execute wrappers, and so the tenant floor."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {name} {definition} ON COMMIT DROP {query}")
        yield cursor
        cursor.execute(f"DROP TABLE {name}")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the model's sequence (PostgreSQL), for bulk loads that
    must reference rows before writing them."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def analyze(*tables: type[models.Model]) -> None:
    """Planner statistics for tables just bulk-loaded. Until a table is analysed PostgreSQL
    plans it as nearly empty: a freshly seeded demo tenant (271 customers, 2,529 events) ran
    a month's revenue statement as a nested loop in 16-140 ms instead of under 1 ms, a
    recompute job of 321 months took 26 s instead of 5. Autovacuum would catch up (when it
    is on, and once its thresholds are crossed); a bulk load says so at once. A role that
    does not own a table gets PostgreSQL's warning, not an error."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def bulk_load(model: type[models.Model], rows: Sequence[models.Model | dict]) -> None:
    """Write many new rows as fast as the database allows: COPY on PostgreSQL, else
    `bulk_create`. Rows are model instances or dicts of attribute names (missing ones take the
    field's default); a row with its primary key set keeps it. No signals, no conflict
    handling: for loading generated data, not for requests. Under the tenant floor the rows
    pass its policy like any INSERT (a staging table: PostgreSQL refuses COPY there)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(**row) if isinstance(row, dict) else row for row in rows]
        model._base_manager.bulk_create(objs, batch_size=max(1, MAX_PARAMS // 30))
        return
    first = rows[0]
    has_pk = (
        first.get(model._meta.pk.attname) if isinstance(first, dict) else first.pk
    ) is not None
    fields = [f for f in model._meta.concrete_fields if has_pk or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    values = _copy_values(fields, isinstance(first, dict))
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_security_active(%s)", [model._meta.db_table])
        if not cursor.fetchone()[0]:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
            return
    # Under the tenant floor PostgreSQL refuses COPY into the table: COPY into a staging
    # table, then one INSERT that the floor's policy checks row by row.
    _insert_staged(table, columns, rows, values)


def _insert_staged(table: str, columns: str, rows, values, tail: str = "") -> list[tuple]:
    """COPY `rows` (each as `values(row)`) into a temporary table of `table`'s `columns`, then
    one `INSERT INTO table ... SELECT ... <tail>`; returns the rows a RETURNING tail gives."""
    staging = connection.ops.quote_name(f"_fw_stage_{uuid.uuid4().hex[:12]}")
    query = f"AS SELECT {columns} FROM {table} WITH NO DATA"
    with _staging(staging, "", query) as cursor:
        with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} {tail}")
        return cursor.fetchall() if cursor.description else []


def _json_once():
    """`json.dumps` that serialises each object once: rows often share their JSON values (one
    object per distinct result). Only for rows that keep their objects alive meanwhile, so
    that ids stay unique."""
    dumped: dict[int, str] = {}

    def dump(value) -> str:
        text = dumped.get(id(value))
        if text is None:
            text = dumped[id(value)] = json.dumps(value)
        return text

    return dump


def _stamped(f: models.Field) -> bool:
    """A field `save()` sets to now (`auto_now`, `auto_now_add`)."""
    return getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)


def _default(f: models.Field):
    """A missing attribute's value, as a new instance's `save()` would store it."""
    return timezone.now() if _stamped(f) else f.get_default()


def _copy_values(fields: Sequence[models.Field], from_dict: bool):
    """A function from one row (instance or dict) to its COPY values, in `fields` order;
    psycopg adapts the Python values, JSON is serialised here. Reads every column at once
    (one `itemgetter`/`attrgetter`): COPY of a thousand rows is otherwise mostly Python calls."""
    names = [f.attname for f in fields]
    json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    stamped = [f for f in fields if _stamped(f)]
    if from_dict:
        defaults = {f.attname: _default(f) for f in fields}
        pick = operator.itemgetter(*names)
        read = lambda row: pick({**defaults, **row})  # noqa: E731
    else:
        pick = operator.attrgetter(*names)

        def read(row):
            for f in stamped:
                f.pre_save(row, add=True)
            return pick(row)

    if len(names) == 1:
        single = read
        read = lambda row: (single(row),)  # noqa: E731
    if not json_at:
        return read

    def with_json(row):
        values = list(read(row))
        for i in json_at:
            values[i] = json.dumps(values[i])
        return values

    return with_json


def bulk_upsert(
    model: type[models.Model],
    rows: Sequence[dict],
    *,
    conflict: Sequence[str],
    update: Sequence[str],
) -> None:
    """`INSERT ... ON CONFLICT (conflict) DO UPDATE SET update = EXCLUDED.update` for many rows.

    Rows are dicts of attribute names (all rows the same keys). On PostgreSQL, many rows go
    through COPY into a temporary table and one `INSERT ... SELECT`; elsewhere Django's
    `bulk_create(update_conflicts=True)`, which SQLite supports too. Shared JSON values are
    serialised once."""
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) <= COPY_THRESHOLD:
        model._base_manager.bulk_create(
            [model(**row) for row in rows],
            batch_size=max(1, MAX_PARAMS // (len(rows[0]) + 1)),
            update_conflicts=True,
            unique_fields=list(conflict),
            update_fields=list(update),
        )
        return
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [next(f for f in meta.concrete_fields if f.attname == name) for name in rows[0]]
    columns = ", ".join(quote(f.column) for f in fields)
    conflict_columns = ", ".join(quote(meta.get_field(name).column) for name in conflict)
    assignments = ", ".join(
        f"{quote(meta.get_field(name).column)} = EXCLUDED.{quote(meta.get_field(name).column)}"
        for name in update
    )
    dump = _json_once()
    readers = [(f.attname, isinstance(f, models.JSONField)) for f in fields]
    _insert_staged(
        quote(meta.db_table),
        columns,
        rows,
        lambda row: [dump(row[name]) if is_json else row[name] for name, is_json in readers],
        f"ON CONFLICT ({conflict_columns}) DO UPDATE SET {assignments}",
    )


# --- statements over one tenant's rows ---------------------------------------------------


def run_scoped(sql: str, params: dict | None = None) -> list[tuple]:
    """Run `sql` with `%(tenant)s` bound to the tenant in scope; returns all rows.

    The one way raw SQL reaches a tenant's rows: the statement names `%(tenant)s`, never a
    tenant id passed by hand, so it cannot read another tenant's rows by mistake
    (TenantScopeError outside a scope)."""
    params = dict(params or {})
    if "tenant" in params:
        raise ValueError("The tenant of a scoped statement comes from the scope, not a parameter.")
    params["tenant"] = require_current_tenant().pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def scoped_params(params: dict | None = None) -> dict:
    """`params` with `tenant` from the scope (for callers that stream with their own cursor)."""
    params = dict(params or {})
    if "tenant" in params:
        raise ValueError("The tenant of a scoped statement comes from the scope, not a parameter.")
    params["tenant"] = require_current_tenant().pk
    return params


# --- the two dialects' expressions ----------------------------------------------------------


def adapt_time(value):
    """A datetime as the connection compares it (SQLite compares text)."""
    return connection.ops.adapt_datetimefield_value(value)


def json_text(column: str, key: str) -> str:
    """The text of `column ->> key` on PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def days_between(later: str, earlier: str) -> str:
    """Fractional days between two timestamp expressions."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"
