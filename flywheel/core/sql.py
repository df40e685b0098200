"""Set-based SQL the ORM does not express: inserts that skip conflicts and say what they wrote."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

# SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535.
MAX_PARAMS = 30_000


def insert_ignoring_conflicts(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    conflict: str,
    returning: Sequence[str],
) -> list[tuple]:
    """`INSERT ... ON CONFLICT <conflict> DO NOTHING RETURNING <returning>` for unsaved `objs`.

    Returns the rows this call inserted (conflicting ones are skipped, which is what makes
    concurrent identical requests safe). Column values come from the model's fields exactly as
    `save()` would prepare them, so defaults and JSON/date adaptation match the ORM.
    Works on PostgreSQL and SQLite >= 3.35. `conflict` is SQL, e.g.
    `(tenant_id, sender_id)` or `(tenant_id, external_id) WHERE external_id IS NOT NULL`.
    """
    if not objs:
        return []
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returned = ", ".join(quote(name) for name in returning)
    per_statement = max(1, MAX_PARAMS // len(fields))
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                f.get_db_prep_save(f.pre_save(obj, add=True), connection)
                for obj in chunk
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([placeholder] * len(chunk))} "
                f"ON CONFLICT {conflict} DO NOTHING RETURNING {returned}",
                params,
            )
            inserted.extend(cursor.fetchall())
    return inserted


def update_from_values(
    model: type[models.Model],
    *,
    tenant_id: int,
    fields: Sequence[str],
    rows: Sequence[tuple],
    assignments: str,
    condition: str = "",
) -> int:
    """`UPDATE <table> SET <assignments> FROM (VALUES rows) AS v WHERE <table>.id = v.id ...`.

    One statement updates many rows with a different value each (what `UPDATE ... FROM` is
    for), on PostgreSQL and SQLite >= 3.33. `rows` are `(pk, value, ...)` tuples matching
    `("id", *fields)`; values are prepared by the model's own fields. `assignments` and
    `condition` are SQL; the new values are `v.new_<column>`, so plain column names mean the current
    ones; only rows of `tenant_id` are touched. Returns the number of rows updated.
    """
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    model_fields = [model._meta.get_field(name) for name in fields]
    aliases = ", ".join(
        f"column{i + 2} AS {quote('new_' + f.column)}" for i, f in enumerate(model_fields)
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
