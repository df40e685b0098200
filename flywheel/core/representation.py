"""A serializer's output worked out once per serializer, not once per field of every row.

DRF's `Serializer.to_representation` walks `_readable_fields` for every object and reads each
value through `Field.get_attribute` (a loop over the source's parts with a `Mapping` check, a
callable check and exception handling): for a page of 50 customers, 22,000 field reads and a
third of the request. Most fields of a model serializer read one concrete column of the row,
where all of that resolves to `getattr(row, column)`. `CompiledRepresentationMixin` decides
each field's reader once per serializer instance (a list serializer's child serves the whole
page) and then only runs the readers; any other field keeps DRF's own path, so the output is
DRF's, value for value: the test suite sets `CROSS_CHECK`, and every object any test writes
out is also written DRF's way and compared (tests/conftest.py).
"""

from __future__ import annotations

from contextvars import ContextVar
from operator import attrgetter

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject

from flywheel.core.loading import stored_attributes

CROSS_CHECK = False  # tests: compare every output with DRF's own `to_representation`
_expecting: ContextVar[bool] = ContextVar("expecting", default=False)  # inside DRF's own path


_SKIP = object()  # DRF skips a field whose attribute raised SkipField


def _reader(field: Field, columns: frozenset[str]):
    """(name, read) where read(row) returns the field's output, or _SKIP."""
    represent = field.to_representation
    plain = type(field).get_attribute is Field.get_attribute
    if plain and not field.source_attrs:  # source="*": the row itself, never None
        return field.field_name, represent
    if plain and len(field.source_attrs) == 1 and field.source_attrs[0] in columns:
        get = attrgetter(field.source_attrs[0])

        def read_column(row):
            try:
                value = get(row)
            except ObjectDoesNotExist:  # a deferred column of a row since deleted: as DRF
                return None
            return None if value is None else represent(value)

        return field.field_name, read_column

    def read(row):  # DRF's own steps (Serializer.to_representation)
        try:
            attribute = field.get_attribute(row)
        except SkipField:
            return _SKIP
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else represent(attribute)

    return field.field_name, read


class CompiledRepresentationMixin:
    """`to_representation` of model instances through readers decided once (see the module);
    anything else (a dict, a plain object) takes DRF's path."""

    def to_representation(self, instance):
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)
        model = instance.__class__  # the model's, also through a lazy object (request.user)
        plan = self.__dict__.get("_readers")
        if plan is None or plan[0] is not model:
            columns = stored_attributes(model)
            plan = (model, [_reader(field, columns) for field in self._readable_fields])
            self._readers = plan
        output = {}
        for name, read in plan[1]:
            value = read(instance)
            if value is not _SKIP:
                output[name] = value
        if CROSS_CHECK and not _expecting.get():
            expected = _drf_output(super(), instance)
            assert list(output.items()) == list(expected.items()), (type(self).__name__, output)
        return output


def _drf_output(drf, instance) -> dict:
    """DRF's output, its nested serializers not checked again (checked on the compiled side;
    checking them on both would double the work at every level of nesting)."""
    token = _expecting.set(True)
    try:
        return drf.to_representation(instance)
    finally:
        _expecting.reset(token)
