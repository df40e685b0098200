"""Line charts of a KPI over time as inline SVG (the admin's KPI charts; no JS, no CDN)."""

from __future__ import annotations

from datetime import date
from html import escape

WIDTH, HEIGHT, PAD_X, PAD_Y = 360, 150, 44, 22


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


def _label(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def line_chart(
    title: str, points: list[tuple[date, float | None]], *, running_last: bool = False
) -> str:
    """An SVG of the points (oldest first); gaps where a value is null. `running_last` draws
    the last point hollow: a period still running, not comparable with closed ones."""
    known = [v for _, v in points if v is not None]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">'
        f'<text x="{PAD_X}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>'
    )
    if not known:
        return head + f'<text x="{PAD_X}" y="{HEIGHT // 2}" font-size="11">no values</text></svg>'
    low, high = min(known), max(known)
    if high == low:
        low, high = low - 1, high + 1
    plot_w, plot_h = WIDTH - PAD_X - 10, HEIGHT - 2 * PAD_Y - 6
    step = plot_w / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return PAD_X + i * step, PAD_Y + 6 + plot_h * (high - v) / (high - low)

    parts = [
        head,
        f'<line x1="{PAD_X}" y1="{PAD_Y + 6}" x2="{PAD_X}" y2="{PAD_Y + 6 + plot_h}" '
        'stroke="#999"/>',
        f'<line x1="{PAD_X}" y1="{PAD_Y + 6 + plot_h}" x2="{WIDTH - 10}" '
        f'y2="{PAD_Y + 6 + plot_h}" stroke="#999"/>',
        f'<text x="{PAD_X - 4}" y="{PAD_Y + 10}" font-size="10" text-anchor="end">'
        f"{_label(high)}</text>",
        f'<text x="{PAD_X - 4}" y="{PAD_Y + 6 + plot_h}" font-size="10" text-anchor="end">'
        f"{_label(low)}</text>",
        f'<text x="{PAD_X}" y="{HEIGHT - 4}" font-size="10">{points[0][0]}</text>',
        f'<text x="{WIDTH - 10}" y="{HEIGHT - 4}" font-size="10" text-anchor="end">'
        f"{points[-1][0]}</text>",
    ]
    segment: list[str] = []
    segments = [segment]
    for i, (day, v) in enumerate(points):
        if v is None:
            segment = []
            segments.append(segment)
            continue
        x, y = xy(i, v)
        segment.append(f"{x:.1f},{y:.1f}")
        running = running_last and i == len(points) - 1
        fill = 'fill="white" stroke="#417690"' if running else 'fill="#417690"'
        note = " (running)" if running else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" {fill}>'
            f"<title>{day}: {_label(v)}{note}</title></circle>"
        )
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                '<polyline fill="none" stroke="#417690" stroke-width="2" '
                f'points="{" ".join(seg)}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
