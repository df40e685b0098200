"""The window of times the API accepts: years 1900 to 2099, UTC offsets up to +-14:00.

PostgreSQL stores years from 4713 BC and Python's `datetime` from year 1, but the two meet
badly at the edges: `0001-01-01T00:00:00+14:00` is a BC timestamp in PostgreSQL that Python
cannot read back (every later read of the row fails), and an offset such as +18:28 is refused
by PostgreSQL with a DataError. Every date and date-time a client sends goes through
`check_datetime` / `check_date` (serializer fields, filters, query parameters, the event
rules), so nothing outside the window is stored or queried. See docs/api.md ("Times").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils.dateparse import parse_date, parse_datetime

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2099, 12, 31)
MIN_DATETIME = datetime(1900, 1, 1, tzinfo=UTC)
MAX_DATETIME = datetime(2100, 1, 1, tzinfo=UTC)  # exclusive
MAX_OFFSET = timedelta(hours=14)
WINDOW_TEXT = "between 1900-01-01 and 2099-12-31 (UTC), with a UTC offset of at most +-14:00"


class OutOfRange(ValueError):
    """A date or time outside the accepted window; the message says which."""


def check_datetime(value: datetime) -> datetime:
    """`value` made aware (naive means UTC) if it lies in the window, else OutOfRange."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise OutOfRange("The UTC offset must lie between -14:00 and +14:00.")
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError as error:
        raise OutOfRange(f"Times must lie {WINDOW_TEXT}.") from error
    if not MIN_DATETIME <= in_utc < MAX_DATETIME:
        raise OutOfRange(f"Times must lie {WINDOW_TEXT}.")
    return value


def check_date(value: date) -> date:
    """`value` if it lies in the window, else OutOfRange."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise OutOfRange(f"Dates must lie {WINDOW_TEXT}.")
    return value


def parse_bounded_datetime(raw: str) -> datetime:
    """An ISO 8601 date-time string checked against the window (ValueError / OutOfRange)."""
    try:
        parsed = parse_datetime(raw)
    except ValueError as error:  # well formed but impossible, e.g. month 13
        raise ValueError("An ISO 8601 date-time is required.") from error
    if parsed is None:
        raise ValueError("An ISO 8601 date-time is required.")
    return check_datetime(parsed)


def parse_bounded_date(raw: str) -> date:
    """A `YYYY-MM-DD` string checked against the window (ValueError / OutOfRange)."""
    try:
        parsed = parse_date(raw)
    except ValueError as error:
        raise ValueError("A date, YYYY-MM-DD, is required.") from error
    if parsed is None:
        raise ValueError("A date, YYYY-MM-DD, is required.")
    return check_date(parsed)
