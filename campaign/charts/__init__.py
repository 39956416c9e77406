"""Charts drawn on the server as SVG: no JavaScript, nothing fetched at run time.

Each function returns a ``<figure class="chart">`` holding an inline ``<svg>`` (plus,
for the bar chart, a visually hidden table of the same figures). Colours come from
CSS classes in static/charts.css, never inline styles (the CSP forbids them).
"""

from campaign.charts.bars import daily_bars_svg
from campaign.charts.tilemap import tile_map_svg

__all__ = ["daily_bars_svg", "tile_map_svg"]
