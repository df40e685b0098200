"""django-filter filters: dates and times inside the accepted window (400 otherwise), ids, and
choices without DISTINCT; the FilterSet base every filter set of the API derives from."""

from __future__ import annotations

import copy

import django_filters as filters
from django import forms
from django.http import QueryDict
from django_filters import rest_framework
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


class FilterSet(rest_framework.FilterSet):
    """django-filter's FilterSet without its per-request deep copies.

    Upstream, every request deep-copies each declared filter (and its choices, widgets and
    validators) and builds a new form class out of new form fields: 681 `deepcopy` calls for
    the customers list, about a tenth of the request. Here the form class is built once per
    filter set class (its fields are made from the class's filters, none of which depends on
    the request: no filter here takes a queryset), and a request's filters are shallow
    copies bound to it (`parent`, `model`, and a `method` re-pointed at the copy). The form
    instance still deep-copies its fields, as every Django form does."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {
            name: self._bind(filter_, queryset.model) for name, filter_ in self.base_filters.items()
        }

    def _bind(self, declared, model):
        filter_ = _copied(declared, model)
        filter_.parent = self
        if declared.method is not None:
            filter_.method = declared.method  # a FilterMethod of the copy, not of the class's
        return filter_

    @classmethod
    def form_class(cls) -> type[forms.Form]:
        form = cls.__dict__.get("_form_class")
        if form is None:
            fields = {}
            # From copies: the class's own filters stay as declared (the schema reads their
            # labels); the copies' fields are labelled from the model, as upstream's.
            for name, declared in cls.base_filters.items():
                fields[name] = _copied(declared, cls._meta.model).field
            form = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._form_class = form
        return form

    def get_form_class(self):
        return self.form_class()


def _copied(declared, model):
    """A shallow copy of a declared filter, of `model` (its label is made from the model)."""
    filter_ = copy.copy(declared)
    filter_.model = model
    return filter_
