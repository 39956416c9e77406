"""A bar chart of counts per day (sign-ons per day)."""

from __future__ import annotations

import math
from datetime import date, timedelta

from markupsafe import Markup

from campaign.charts.svg import SVG_NS, esc, nice_step, num

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 36
FONT = 12
# On a phone the chart shrinks to about half size, so static/charts.css raises the
# font to NARROW_FONT there and shows only the labels marked "chart-sparse".
NARROW_FONT = 20
# Room a date label like "Sep 30" needs, in viewBox units, before the next one may start.
LABEL_ROOM = 52
MAX_BAR = 48


def _day(d: date, with_year: bool) -> str:
    text = f"{d:%b} {d.day}"
    return f"{text}, {d.year}" if with_year else text


def _amount(n: int, unit: str) -> str:
    return f"{n:,} {unit if n == 1 else unit + 's'}"


def daily_bars_svg(
    counts: dict[date, int],
    *,
    start: date | None = None,
    end: date | None = None,
    title: str,
    unit: str = "sign-on",
) -> Markup:
    """Counts per day as a bar chart from ``start`` to ``end`` (default: the data's range).

    Days without a count are drawn as zero; counts outside the range are left out.
    ``unit`` names one counted thing ("sign-on"; an "s" is added for the plural).
    An empty range gives a "no data" chart.
    """
    if counts:
        lo, hi = min(counts), max(counts)
        if start is None:
            start = lo if end is None else min(lo, end)
        if end is None:
            end = max(hi, start)
    else:
        start, end = start or end, end or start
    if start is not None and end is not None and start > end:
        raise ValueError("start is after end")

    days: list[date] = []
    if start is not None and end is not None:
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    values = [max(0, int(counts.get(d, 0))) for d in days]
    total = sum(values)

    if not days or total == 0:
        period = ""
        if days:
            period = f" from {_day(days[0], True)} to {_day(days[-1], True)}"
        return _figure(_empty_svg(title, f"No {unit}s{period}."), "")

    with_year = days[0].year != days[-1].year
    peak = max(values)
    peak_day = days[values.index(peak)]
    label = (
        f"{title}: {_amount(total, unit)} from {_day(days[0], True)} to {_day(days[-1], True)};"
        f" most on {_day(peak_day, with_year)} ({peak:,})."
    )

    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = nice_step(peak)
    top_value = step * math.ceil(peak / step)
    scale = plot_h / top_value
    slot = plot_w / len(days)
    gap = min(slot * 0.2, 4) if slot >= 3 else 0
    bar_w = min(slot - gap, MAX_BAR)
    base_y = TOP + plot_h

    parts = [
        f'<svg xmlns="{SVG_NS}" class="chart-svg chart-bars" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{esc(label)}"'
        f' font-size="{FONT}">',
        f"<title>{esc(title)}</title>",
    ]
    # y axis: grid lines and tick labels
    parts.append('<g class="chart-axis" aria-hidden="true">')
    for tick in range(0, top_value + 1, step):
        y = base_y - tick * scale
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{num(y)}"'
            f' y2="{num(y)}" stroke="#dee2e6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{num(y)}" dy="0.35em" text-anchor="end"'
            f' fill="#495057">{tick:,}</text>'
        )
    # x axis: one label every ``every`` days so that labels never overlap; every
    # ``sparse`` days on a phone, where the labels are larger
    every = max(1, math.ceil(LABEL_ROOM / slot))
    sparse = every * max(1, math.ceil(LABEL_ROOM * NARROW_FONT / FONT / (every * slot)))
    for i, d in enumerate(days):
        if i % every:
            continue
        x = num(LEFT + slot * i + slot / 2)
        parts.append(
            f'<g class="chart-xlabel{" chart-sparse" if i % sparse == 0 else ""}">'
            f'<line x1="{x}" x2="{x}" y1="{base_y}" y2="{base_y + 4}"'
            f' stroke="#6c757d" stroke-width="1"/>'
            f'<text x="{x}" y="{base_y + 6}" dy="1em" text-anchor="middle"'
            f' fill="#495057">{esc(_day(d, False))}</text></g>'
        )
    parts.append(
        f'<line class="chart-baseline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base_y}"'
        f' y2="{base_y}" stroke="#6c757d" stroke-width="1"/>'
    )
    parts.append("</g>")

    # bars: each day is a group whose full-height hit area carries the tooltip,
    # so that zero days can be hovered too
    parts.append('<g class="chart-days">')
    for i, (d, value) in enumerate(zip(days, values, strict=True)):
        x = LEFT + slot * i
        h = value * scale
        parts.append(
            f'<g class="chart-day" data-date="{d.isoformat()}" data-value="{value}">'
            f"<title>{esc(_day(d, with_year))}: {esc(_amount(value, unit))}</title>"
            f'<rect class="chart-hit" x="{num(x)}" y="{TOP}" width="{num(slot)}"'
            f' height="{plot_h}" fill="transparent"/>'
            f'<rect class="chart-bar" x="{num(x + (slot - bar_w) / 2)}" y="{num(base_y - h)}"'
            f' width="{num(bar_w)}" height="{num(h)}" fill="#0072b2"/>'
            "</g>"
        )
    parts.append("</g></svg>")

    rows = "".join(
        f"<tr><td>{esc(_day(d, True))}</td><td>{value:,}</td></tr>"
        for d, value in zip(days, values, strict=True)
    )
    table = (
        # a table ignores height and overflow, so the wrapper is what hides it
        f'<div class="visually-hidden"><table><caption>{esc(title)}</caption>'
        f'<thead><tr><th scope="col">Day</th><th scope="col">{esc(unit.capitalize())}s</th>'
        f"</tr></thead><tbody>{rows}</tbody>"
        f'<tfoot><tr><th scope="row">Total</th><td>{total:,}</td></tr></tfoot></table></div>'
    )
    return _figure("".join(parts), table)


def _empty_svg(title: str, message: str) -> str:
    height = 80
    return (
        f'<svg xmlns="{SVG_NS}" class="chart-svg chart-bars chart-empty"'
        f' viewBox="0 0 {WIDTH} {height}" width="100%" role="img"'
        f' aria-label="{esc(title)}: {esc(message)}" font-size="{FONT + 2}">'
        f"<title>{esc(title)}</title>"
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" rx="6"'
        f' fill="none" stroke="#dee2e6" stroke-dasharray="4 4"/>'
        f'<text x="{WIDTH / 2}" y="{height / 2}" dy="0.35em" text-anchor="middle"'
        f' fill="#6c757d">{esc(message)}</text></svg>'
    )


def _figure(svg: str, extra: str) -> Markup:
    # Everything above was escaped piece by piece.
    return Markup(f'<figure class="chart">{svg}{extra}</figure>')  # noqa: S704
