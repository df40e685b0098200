"""Rows made into model instances without Django's general-purpose `Model.__init__`.

Loading a row, Django calls `cls(*values)`: `__init__` sends `pre_init`, checks the argument
count, walks the fields calling `setattr` one by one (through the foreign keys' descriptors)
and sends `post_init`; for a page of 50 customers with their health that is a tenth of the
request. What it leaves behind, for a row with every column loaded and fields whose
descriptors only store the value, is a `ModelState` (not adding, the database's alias) and
one entry per column in the instance's `__dict__`: `FastLoadModel.from_db` builds exactly
that. Anything else takes Django's path: a row with deferred columns, a model with its own
`__init__` or a field with its own descriptor (a file, say), and any model while a `pre_init`
or `post_init` receiver is connected anywhere. The test suite sets `CROSS_CHECK`: every row
any test loads is also loaded Django's way and compared (tests/conftest.py).
"""

from __future__ import annotations

from inspect import getattr_static

from django.db import models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_STORING = (DeferredAttribute, ForeignKeyDeferredAttribute)
CROSS_CHECK = False  # tests: compare every fast-loaded row with Django's own `from_db`


def stored_attributes(model: type[models.Model]) -> frozenset[str]:
    """The attributes of `model`'s columns that read straight from the instance's `__dict__`
    (the field's own descriptor, not a property or another descriptor in its place): a
    loaded value, never a callable, never raising (a deferred one loads, as with Django).
    Worked out once per model class."""
    cached = model.__dict__.get("_stored_attributes")
    if cached is None:
        cached = frozenset(
            name
            for field in model._meta.concrete_fields
            for name in {field.attname, field.name}
            if type(getattr_static(model, name, None)) in _STORING
        )
        model._stored_attributes = cached
    return cached


def plain_attnames(model: type[models.Model]) -> tuple[str, ...] | None:
    """The concrete fields' attribute names when a row of `model` may be loaded directly;
    None when Django's `__init__` must run (worked out once per model class)."""
    cached = model.__dict__.get("_plain_attnames", ())
    if cached != ():
        return cached
    fields = model._meta.concrete_fields
    stored = stored_attributes(model)
    plain = model.__init__ is models.Model.__init__ and all(f.attname in stored for f in fields)
    attnames = tuple(field.attname for field in fields) if plain else None
    model._plain_attnames = attnames
    return attnames


class FastLoadModel(models.Model):
    """Base of models read in bulk: `from_db` without `__init__` where that is the same."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        attnames = plain_attnames(cls)
        if (
            attnames is None
            or len(values) != len(attnames)
            or pre_init.receivers
            or post_init.receivers
        ):
            return super().from_db(db, field_names, values)
        row = cls.__new__(cls)
        state = row._state = ModelState()
        state.adding = False
        state.db = db
        row.__dict__.update(zip(attnames, values, strict=True))
        if CROSS_CHECK:
            expected = super().from_db(db, field_names, values)
            assert same_instance(row, expected), (cls.__name__, vars(row), vars(expected))
        return row


def same_instance(row: models.Model, expected: models.Model) -> bool:
    """The same class, attributes and state (adding, database)."""
    mine, theirs = dict(vars(row)), dict(vars(expected))
    state, expected_state = mine.pop("_state"), theirs.pop("_state")
    return (
        type(row) is type(expected)
        and list(mine.items()) == list(theirs.items())
        and (state.adding, state.db) == (expected_state.adding, expected_state.db)
    )
