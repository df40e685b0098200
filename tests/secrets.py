"""A scan of every text and JSON column of every table for a plaintext secret."""

from django.apps import apps
from django.db import connection, models

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def columns_holding(secret: str) -> list[str]:
    """`table.column` of every row value that contains `secret` (empty: stored nowhere)."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, TEXT_FIELDS):
                    continue
                table, column = quote(model._meta.db_table), quote(field.column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE %s",
                    [f"%{secret}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{model._meta.db_table}.{field.column}")
    return found
