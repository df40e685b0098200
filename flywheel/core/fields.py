"""Serializer fields every API write uses: times inside the accepted window, sized JSON.

`ModelSerializer` (flywheel.core.serializers) maps model date and date-time fields to these;
plain serializers declare them directly. A test walks every serializer and refuses a writable
date or date-time field that is not one of them.
"""

from __future__ import annotations

from datetime import UTC

from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from flywheel.core import timebounds
from flywheel.core.validators import MAX_JSON_BYTES, WEB_URL, json_size

WINDOW_HELP = f"ISO 8601; {timebounds.WINDOW_TEXT}."


class _WindowHelp:
    def __init__(self, *args, **kwargs):
        if not kwargs.get("read_only"):
            help_text = kwargs.get("help_text")
            kwargs["help_text"] = f"{help_text} {WINDOW_HELP}" if help_text else WINDOW_HELP
        super().__init__(*args, **kwargs)


class DateTimeField(_WindowHelp, serializers.DateTimeField):
    """A date-time in the accepted window (400 `out_of_range` otherwise), written in UTC.

    UTC is the API's contract (DESIGN.md), so the field names it instead of asking Django for
    the active time zone each time: DRF looks that up (a context-local read) for every value
    it writes, a twentieth of a customers page."""

    default_error_messages = {"out_of_range": "Times must lie " + timebounds.WINDOW_TEXT + "."}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(*args, **kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                timebounds.parse_bounded_datetime(value)
            except timebounds.OutOfRange as error:
                raise serializers.ValidationError(str(error), code="out_of_range") from error
            except ValueError:
                pass  # DRF's own message for a malformed value
        parsed = super().to_internal_value(value)
        try:
            return timebounds.check_datetime(parsed)
        except timebounds.OutOfRange as error:
            raise serializers.ValidationError(str(error), code="out_of_range") from error


class DateField(_WindowHelp, serializers.DateField):
    """A date in the accepted window (400 `out_of_range` otherwise)."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        try:
            return timebounds.check_date(parsed)
        except timebounds.OutOfRange as error:
            raise serializers.ValidationError(str(error), code="out_of_range") from error


def check_json_size(value, *, limit: int = MAX_JSON_BYTES) -> None:
    """ValidationError when `value` takes more than `limit` bytes as JSON."""
    if json_size(value) > limit:
        raise serializers.ValidationError(f"At most {limit // 1024} KiB as JSON.", code="too_large")


class SizedJSONField(serializers.JSONField):
    """Any JSON value of at most 16 KiB (model JSON fields map to this)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        check_json_size(value)
        return value


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(SizedJSONField):
    """A JSON object (not a list or scalar) of at most 16 KiB."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("A JSON object is required.", code="not_an_object")
        return value


class _BlankAsNull:
    """Answers an empty stored value as null (clients read "none", not a string to parse)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(*args, **kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class NullableChoiceField(_BlankAsNull, serializers.ChoiceField):
    """A choice stored as '' when unset, answered as null."""


class WebURLField(serializers.URLField):
    """An http(s) URL (DRF's URL field also allows ftp)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)]
        self.validators.append(
            URLValidator(schemes=WEB_URL.schemes, message=self.error_messages["invalid"])
        )


class NullableURLField(_BlankAsNull, serializers.URLField):
    """A URL stored as '' when unset, answered as null."""
