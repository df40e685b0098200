"""Periods of a snapshot, `[start, end)`, in the tenant's timezone.

A period is named by its granularity and its first local day; weeks start on Monday.
`starts_at`/`ends_at` are the aware instants of local midnight at both ends, so a period of a
tenant in Europe/Berlin starts at 23:00 or 22:00 UTC the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRANULARITIES = ("day", "week", "month", "quarter")


@dataclass(frozen=True)
class Period:
    granularity: str
    start: date
    end: date  # exclusive
    tz: str

    @property
    def starts_at(self) -> datetime:
        return _midnight(self.start, self.tz)

    @property
    def ends_at(self) -> datetime:
        return _midnight(self.end, self.tz)

    def previous(self) -> Period:
        return period_of(self.granularity, self.start - timedelta(days=1), self.tz)

    def next(self) -> Period:
        return period_of(self.granularity, self.end, self.tz)


def _midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(granularity: str, day: date, tz: str) -> Period:
    """The period of `granularity` that contains the local day `day`."""
    if granularity == "day":
        start, end = day, day + timedelta(days=1)
    elif granularity == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
    elif granularity == "month":
        start = day.replace(day=1)
        end = _add_months(start, 1)
    elif granularity == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        end = _add_months(start, 3)
    else:
        raise ValueError(f"unknown granularity {granularity!r}")
    return Period(granularity, start, end, tz)


def current_period(granularity: str, now: datetime, tz: str) -> Period:
    """The period that contains the instant `now` in the timezone `tz`."""
    return period_of(granularity, now.astimezone(ZoneInfo(tz)).date(), tz)


def count_periods(granularity: str, since: date, until: date) -> int:
    """How many periods `periods_between` would give, computed without building them."""
    first, last = period_of(granularity, since, "UTC"), period_of(granularity, until, "UTC")
    if last.start < first.start:
        return 0
    if granularity == "day":
        return (last.start - first.start).days + 1
    if granularity == "week":
        return (last.start - first.start).days // 7 + 1
    months = (last.start.year - first.start.year) * 12 + last.start.month - first.start.month
    return months // (3 if granularity == "quarter" else 1) + 1


def periods_between(granularity: str, since: date, until: date, tz: str) -> list[Period]:
    """Every period that overlaps the local days `[since, until]`, oldest first."""
    periods, period = [], period_of(granularity, since, tz)
    while period.start <= until:
        periods.append(period)
        period = period.next()
    return periods


def closed_periods(granularity: str, now: datetime, tz: str, count: int) -> list[Period]:
    """The `count` periods that ended last before `now`, newest first."""
    periods, period = [], current_period(granularity, now, tz)
    for _ in range(count):
        period = period.previous()
        periods.append(period)
    return periods
