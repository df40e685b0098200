"""django-filter filters: dates and times inside the accepted window (400 otherwise), ids, and
choices without DISTINCT."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django_filters.fields import IsoDateTimeField

from flywheel.core import timebounds


class _BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                return timebounds.parse_bounded_datetime(value.strip())
            except timebounds.OutOfRange as error:
                raise forms.ValidationError(str(error), code="out_of_range") from error
            except ValueError as error:
                raise forms.ValidationError(str(error), code="invalid") from error
        return super().to_python(value)


class _BoundedDateField(forms.DateField):
    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                return timebounds.parse_bounded_date(value.strip())
            except timebounds.OutOfRange as error:
                raise forms.ValidationError(str(error), code="out_of_range") from error
            except ValueError as error:
                raise forms.ValidationError(str(error), code="invalid") from error
        return super().to_python(value)


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter limited to the accepted window and offsets."""

    field_class = _BoundedIsoDateTimeField


class DateFilter(filters.DateFilter):
    """A `YYYY-MM-DD` filter limited to the accepted window."""

    field_class = _BoundedDateField


class IdFilter(filters.NumberFilter):
    """A related object's id: a whole number that fits the key column (400 otherwise)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class ChoicesFilter(filters.MultipleChoiceFilter):
    """Any of several values of a column of the row itself (or of a one-to-one row).

    django-filter's `MultipleChoiceFilter` adds `DISTINCT` for filters across to-many joins;
    here no row can repeat, and `SELECT DISTINCT` over every column would sort the whole match
    before the first page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
