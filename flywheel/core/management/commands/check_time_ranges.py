"""`manage.py check_time_ranges`: report stored dates and times outside the accepted window.

Rows written before the window was enforced (flywheel.core.timebounds) may hold e.g. a BC
`occurred_at` that makes every read of the row fail. This counts them per table and column in
SQL (the values cannot be read into Python) and lists a few primary keys of each, so support
can correct or delete them. Exit status 1 with `--fail` when any is found.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models

from flywheel.core import timebounds
from flywheel.core.tenancy import cross_tenant


def _bounds(field: models.Field) -> tuple:
    if isinstance(field, models.DateTimeField):
        return (
            connection.ops.adapt_datetimefield_value(timebounds.MIN_DATETIME),
            connection.ops.adapt_datetimefield_value(timebounds.MAX_DATETIME),
        )
    return (
        connection.ops.adapt_datefield_value(timebounds.MIN_DATE),
        connection.ops.adapt_datefield_value(timebounds.MAX_DATE),
    )


def out_of_range() -> list[tuple[str, str, int, list]]:
    """(table, column, count, up to five primary keys) for every column with such rows."""
    found = []
    quote = connection.ops.quote_name
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        pk = model._meta.pk.column
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.DateField, models.DateTimeField)):
                continue
            low, high = _bounds(field)
            upper = ">=" if isinstance(field, models.DateTimeField) else ">"
            column = quote(field.column)
            where = f"{column} < %s OR {column} {upper} %s"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {where}", [low, high])
                count = cursor.fetchone()[0]
                if not count:
                    continue
                cursor.execute(
                    f"SELECT {quote(pk)} FROM {quote(table)} WHERE {where} "
                    f"ORDER BY {quote(pk)} LIMIT 5",
                    [low, high],
                )
                found.append((table, field.column, count, [row[0] for row in cursor.fetchall()]))
    return found


class Command(BaseCommand):
    help = "Report stored dates and times outside the window the API accepts (1900-2099)."

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="Exit 1 when any is found.")

    def handle(self, *args, fail: bool, **options):
        with cross_tenant():  # a support check over every tenant's rows
            found = out_of_range()
        for table, column, count, pks in found:
            self.stdout.write(f"{table}.{column}: {count} rows, e.g. ids {pks}")
        if not found:
            self.stdout.write(f"Every stored date and time lies {timebounds.WINDOW_TEXT}.")
        elif fail:
            raise CommandError(f"{len(found)} columns hold values outside the window.")
