"""`field__any_of=values`: `IN (...)` that stays one parameter on PostgreSQL.

`IN (%s, %s, ...)` with a thousand values renders a statement of a thousand placeholders that
psycopg splits and quotes anew on every call (too long for its statement cache); on
PostgreSQL `= ANY(%s)` sends the values as one array. Elsewhere it is Django's `IN`.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, lookups


@Field.register_lookup
class AnyOf(lookups.In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value():
            values = [v for v in self.rhs if v is not None]
            if not values:
                raise EmptyResultSet
            lhs, lhs_params = self.process_lhs(compiler, connection)
            prepared = [self.lhs.output_field.get_db_prep_value(v, connection) for v in values]
            return f"{lhs} = ANY(%s)", (*lhs_params, prepared)
        return super().as_sql(compiler, connection)
