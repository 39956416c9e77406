"""A tile-grid map of the US states, DC and territories, shaded by category."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from markupsafe import Markup

from campaign.charts.svg import SVG_NS, class_token, esc, num
from campaign.charts.tilegrid import COLUMNS, ROWS, TERRITORY_ROW, TILES
from campaign.core.states import STATES

TILE = 44  # side of a tile, in viewBox units
STEP = 48  # tile plus gap
TERRITORY_GAP = 14  # extra space above the territories' row
PAD = 2  # room for the focus outline
# Hrefs a tile may carry: site paths, queries, anchors and http(s) addresses.
_SAFE_HREF = ("/", "?", "#", "http://", "https://")


def tile_map_svg(
    values: dict[str, str],
    *,
    link_for: Callable[[str], str | None],
    legend: list[tuple[str, str]],
    title: str,
    default: str = "none",
) -> Markup:
    """A tile per state, DC and territory, shaded by its category in ``values``.

    ``values`` maps a two-letter code to a category key (codes not listed get
    ``default``); ``legend`` gives (key, label) in display order; ``link_for(code)``
    returns the URL a tile links to, or None for no link. Colours come from the
    ``tile-cat-<key>`` classes in static/charts.css.
    """
    by_code = {code.strip().upper(): key for code, key in values.items()}
    labels = dict(legend)
    order = {key: i for i, (key, _) in enumerate(legend)}

    def label_for(key: str) -> str:
        return labels.get(key) or key.replace("_", " ").capitalize()

    width = PAD * 2 + (COLUMNS - 1) * STEP + TILE
    height = PAD * 2 + (ROWS - 1) * STEP + TILE + TERRITORY_GAP
    used: Counter[str] = Counter()
    tiles: list[str] = []
    for code, (col, row) in TILES.items():
        key = by_code.get(code, default)
        used[key] += 1
        x = PAD + col * STEP
        y = PAD + row * STEP + (TERRITORY_GAP if row >= TERRITORY_ROW else 0)
        name = STATES[code]
        text = f"{name}: {label_for(key)}"
        classes = f"tile tile-cat-{class_token(key)}"
        if key in order:
            classes += f" tile-c{order[key] % 8}"
        body = (
            f"<title>{esc(text)}</title>"
            f'<rect x="{num(x)}" y="{num(y)}" width="{TILE}" height="{TILE}" rx="4"'
            f' fill="#e9ecef"/>'
            f'<text x="{num(x + TILE / 2)}" y="{num(y + TILE / 2)}" dy="0.35em"'
            f' text-anchor="middle" font-size="15" font-weight="600" fill="#212529"'
            f' aria-hidden="true">{code}</text>'
        )
        href = link_for(code)
        if href and str(href).startswith(_SAFE_HREF):
            tiles.append(
                f'<a href="{esc(href)}" class="{classes}" data-state="{code}"'
                f' aria-label="{esc(text)}">{body}</a>'
            )
        else:
            tiles.append(
                f'<g class="{classes}" data-state="{code}" role="img"'
                f' aria-label="{esc(text)}">{body}</g>'
            )

    svg = (
        f'<svg xmlns="{SVG_NS}" class="chart-svg chart-tilemap" viewBox="0 0 {width} {height}"'
        f' width="100%" preserveAspectRatio="xMidYMid meet" role="group"'
        f' aria-label="{esc(title)}"><title>{esc(title)}</title>{"".join(tiles)}</svg>'
    )
    items = [(key, label) for key, label in legend]
    # categories present on the map but missing from the legend still get explained
    items += [(key, label_for(key)) for key in used if key not in order]
    legend_html = "".join(
        f'<li class="tile-cat-{class_token(key)}'
        f'{f" tile-c{order[key] % 8}" if key in order else ""}">'
        f'<span class="chart-swatch" aria-hidden="true"></span>{esc(label)}'
        f' <span class="chart-count">({used.get(key, 0)})</span></li>'
        for key, label in items
    )
    caption = f'<ul class="chart-legend" aria-label="Legend: {esc(title)}">{legend_html}</ul>'
    # Everything above was escaped piece by piece.
    return Markup(f'<figure class="chart chart-map">{svg}{caption}</figure>')  # noqa: S704
