"""Charts of KPIs over time as inline SVG (the admin's charts; no JS, no CDN).

Text and axes are drawn in `currentColor`, so a chart takes the page's text colour and reads
in light and dark themes alike; the line is a blue that contrasts with both backgrounds.
Axis labels are compact (1.05M, 48.2k), so no label is clipped however large the value; the
title is wrapped inside the picture. A running period is drawn hollow at the end of a dashed
segment and labelled "partial": its value is not comparable with closed periods, so it must
not look like a fall.
"""

from __future__ import annotations

import textwrap
from datetime import date
from html import escape

WIDTH, HEIGHT = 400, 190
LEFT, RIGHT, BOTTOM = 52, 14, 24
LINE = "#3b82c4"
TITLE_CHARS = 54


def has_data(inputs: dict) -> bool:
    """A snapshot counted something (a lead, a customer, a payment, an event...)."""
    return any(value not in (0, None) for value in inputs.values())


def since_first_data(rows: list[tuple]) -> list[tuple]:
    """Snapshot rows (oldest first, `inputs` last) from the first one with data: periods
    before a tenant's first customer are not drawn as zeros."""
    for index, row in enumerate(rows):
        if has_data(row[-1]):
            return rows[index:]
    return []


def compact(value: float) -> str:
    """A short label: 1,048,023 -> 1.05M, 48,230 -> 48.2k, 0.1234 -> 0.1234."""
    size = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.4g}"


def _exact(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _period(day: date) -> str:
    return day.isoformat()[:7] if day.day == 1 else day.isoformat()


def line_chart(
    title: str, points: list[tuple[date, float | None]], *, running_last: bool = False
) -> str:
    """An SVG of the points (oldest first), with gaps where a value is null. `running_last`:
    the last point is a period still running (hollow, dashed, labelled partial)."""
    lines = textwrap.wrap(title, TITLE_CHARS)[:2] or [""]
    top = 14 + 15 * len(lines)
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        'style="color: inherit" font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
        *(
            f'<text x="8" y="{16 + 15 * i}" font-size="12.5" font-weight="600" '
            f'fill="currentColor">{escape(line)}</text>'
            for i, line in enumerate(lines)
        ),
    ]
    known = [v for _, v in points if v is not None]
    if not known:
        return "".join(
            [
                *head,
                f'<text x="{LEFT}" y="{HEIGHT // 2 + 10}" font-size="12" ',
                'fill="currentColor" opacity="0.7">no values yet</text></svg>',
            ]
        )
    low, high = min(known), max(known)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1), high + (abs(high) * 0.1 or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - top - BOTTOM - 6
    step = plot_w / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return LEFT + i * step, top + 6 + plot_h * (high - v) / (high - low)

    parts = list(head)
    for fraction in (0.0, 0.5, 1.0):  # grid lines with their labels
        value = high - (high - low) * fraction
        y = top + 6 + plot_h * fraction
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="{0.45 if fraction == 1 else 0.15}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="currentColor" opacity="0.8">{compact(value)}</text>'
        )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="11" fill="currentColor" opacity="0.8">'
        f"{_period(points[0][0])}</text>"
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" font-size="11" text-anchor="end" '
        f'fill="currentColor" opacity="0.8">{_period(points[-1][0])}</text>'
    )
    closed = points[:-1] if running_last else points
    segments: list[list[str]] = [[]]
    for i, (day, v) in enumerate(closed):
        if v is None:
            segments.append([])
            continue
        x, y = xy(i, v)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.8" fill="{LINE}">'
            f"<title>{day}: {_exact(v)}</title></circle>"
        )
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                f'<polyline fill="none" stroke="{LINE}" stroke-width="2.2" '
                f'points="{" ".join(seg)}"/>'
            )
    if running_last and points[-1][1] is not None:
        i, (day, v) = len(points) - 1, points[-1]
        x, y = xy(i, v)
        before = closed[-1][1] if closed else None
        if before is not None:
            x0, y0 = xy(i - 1, before)
            parts.append(
                f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{LINE}" '
                'stroke-width="1.6" stroke-dasharray="4 3" stroke-opacity="0.8"/>'
            )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.6" fill="white" stroke="{LINE}" '
            f'stroke-width="2"><title>{day}: {_exact(v)} (running, partial)</title></circle>'
            f'<text x="{x - 6:.1f}" y="{max(y - 8, top + 4):.1f}" font-size="10.5" '
            'text-anchor="end" fill="currentColor" opacity="0.75">partial</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
