"""Bounds the models share; they reach the serializers and the admin forms alike."""

import json

from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator

MAX_DAYS = 3650
NON_NEGATIVE = MinValueValidator(0)
# Day counts stay far from the overflow of date and timedelta arithmetic.
DAYS = [MaxValueValidator(MAX_DAYS)]
# Links we redirect to or publish: the web only (no ftp:, javascript:, data: ...).
WEB_URL = URLValidator(schemes=["http", "https"])

# Free-form JSON (customer attributes, event properties, segment filters) stays small.
MAX_JSON_BYTES = 16 * 1024


# One encoder: `json.dumps` with options builds a new one per call, which costs more than
# encoding a small object (ingestion measures every event's properties).
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def json_size(value) -> int:
    """Bytes of `value` as compact UTF-8 JSON (what is stored)."""
    return len(_COMPACT.encode(value).encode())
