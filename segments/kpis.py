"""The KPI inputs the segments app publishes: customer health as it stood at a moment."""

from __future__ import annotations

from datetime import datetime

from segments.selectors import health_summary_at


def health_at(moment: datetime) -> dict | None:
    """The tenant's health summary in force at `moment` (the last written before it):
    `{"health_sum", "health_count", "by_channel": {channel: [sum, count]}}`, None before
    the first summary."""
    summary = health_summary_at(moment=moment)
    if summary is None:
        return None
    return {
        "health_sum": summary.score_sum,
        "health_count": summary.customers,
        "by_channel": summary.by_channel,
    }
