"""Server-rendered SVG charts: well-formed, complete, escaped, accessible."""

import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from campaign.charts import daily_bars_svg, tile_map_svg
from campaign.charts.svg import nice_step
from campaign.charts.tilegrid import STATE_TILES, TERRITORY_TILES, TILES
from campaign.core.states import STATES, TERRITORIES

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Markup | str) -> ET.Element:
    """The whole figure is well-formed XML (our own output, hence no defusedxml)."""
    if not isinstance(markup, str):
        raise AssertionError("not a string")
    return ET.fromstring(str(markup))  # noqa: S314


def svg_of(figure: ET.Element) -> ET.Element:
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    return svg


def days_of(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f".//{SVG}g[@class='chart-day']")


# daily bars


def test_bars_fill_in_zero_days_with_a_tooltip_each():
    counts = {date(2026, 5, 3): 12, date(2026, 5, 6): 1}
    figure = parse(daily_bars_svg(counts, title="Sign-ons per day"))
    svg = svg_of(figure)
    days = days_of(svg)
    assert [d.get("data-date") for d in days] == [
        "2026-05-03",
        "2026-05-04",
        "2026-05-05",
        "2026-05-06",
    ]
    assert [d.get("data-value") for d in days] == ["12", "0", "0", "1"]
    titles = [d.find(f"{SVG}title").text for d in days]
    assert titles == [
        "May 3: 12 sign-ons",
        "May 4: 0 sign-ons",
        "May 5: 0 sign-ons",
        "May 6: 1 sign-on",
    ]
    heights = [float(d.find(f"{SVG}rect[@class='chart-bar']").get("height")) for d in days]
    assert heights[1] == heights[2] == 0 and heights[0] > heights[3] > 0


def test_bars_accessible_and_responsive():
    counts = {date(2026, 5, 3): 12, date(2026, 5, 4): 3}
    figure = parse(daily_bars_svg(counts, title="Sign-ons per day"))
    svg = svg_of(figure)
    assert svg.get("role") == "img"
    assert svg.get("width") == "100%" and svg.get("viewBox").startswith("0 0 ")
    assert "15 sign-ons" in svg.get("aria-label") and "May 3" in svg.get("aria-label")
    assert "style" not in str(daily_bars_svg(counts, title="x"))  # the CSP forbids it
    table = figure.find("div[@class='visually-hidden']/table")
    rows = [[c.text for c in tr] for tr in table.iter("tr")]
    assert ["May 3, 2026", "12"] in rows and ["Total", "15"] in rows


def test_bars_explicit_range_pads_and_clips():
    counts = {date(2026, 5, 3): 2, date(2026, 7, 1): 9}
    svg = svg_of(
        parse(daily_bars_svg(counts, start=date(2026, 5, 1), end=date(2026, 5, 10), title="t"))
    )
    days = days_of(svg)
    assert len(days) == 10 and days[0].get("data-date") == "2026-05-01"
    assert sum(int(d.get("data-value")) for d in days) == 2


def test_bars_y_axis_has_a_few_round_ticks():
    svg = svg_of(parse(daily_bars_svg({date(2026, 1, 1): 137}, title="t")))
    ticks = [t.text for t in svg.findall(f"{SVG}g[@class='chart-axis']/{SVG}text")]
    assert ticks == ["0", "50", "100", "150"]
    assert [nice_step(n) for n in (1, 4, 5, 6, 12, 99, 1000)] == [1, 1, 1, 2, 5, 20, 200]


def test_bars_date_labels_thin_out_on_long_ranges():
    counts = {date(2026, 1, 1) + timedelta(days=i): 1 for i in range(365)}
    svg = svg_of(parse(daily_bars_svg(counts, title="t")))
    labels = svg.findall(f".//{SVG}g[@class='chart-axis']/{SVG}g")
    assert 5 <= len(labels) <= 13
    xs = [float(g.find(f"{SVG}text").get("x")) for g in labels]
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 52
    assert len(days_of(svg)) == 365


def test_bars_escape_title_and_unit():
    figure = str(daily_bars_svg({date(2026, 5, 3): 1}, title="<script>x</script>", unit="<b>"))
    assert "<script>" not in figure and "<b>" not in figure
    assert "&lt;script&gt;" in figure
    assert isinstance(daily_bars_svg({}, title="t"), Markup)
    parse(figure)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"counts": {}},
        {"counts": {}, "start": date(2026, 5, 1), "end": date(2026, 5, 9)},
        {"counts": {date(2026, 5, 1): 0}},
    ],
)
def test_bars_without_data_say_so(kwargs):
    figure = parse(daily_bars_svg(title="Sign-ons per day", **kwargs))
    svg = svg_of(figure)
    assert "chart-empty" in svg.get("class")
    assert "No sign-ons" in svg.get("aria-label")
    assert days_of(svg) == []


def test_bars_refuse_a_backwards_range():
    with pytest.raises(ValueError):
        daily_bars_svg({}, start=date(2026, 5, 2), end=date(2026, 5, 1), title="t")


# tile map


LEGEND = [("met", "Met"), ("denied", "<script>alert(1)</script>"), ("none", "No demand")]


def tiles_of(svg: ET.Element) -> dict[str, ET.Element]:
    found = [el for el in svg.iter() if el.get("data-state")]
    codes = [el.get("data-state") for el in found]
    assert len(codes) == len(set(codes))
    return dict(zip(codes, found, strict=True))


def test_tile_grid_covers_every_state_and_territory_once():
    assert set(TILES) == set(STATES) and len(TILES) == 56
    assert set(TERRITORY_TILES) == TERRITORIES and len(STATE_TILES) == 51
    assert len(set(TILES.values())) == 56  # no two tiles on one spot


def test_tile_map_one_tile_each_with_links_and_classes():
    values = {"TX": "met", "ca": "denied", "PR": "met"}
    figure = parse(
        tile_map_svg(
            values,
            link_for=lambda code: None if code == "WY" else f"/demands?state={code}&x=1",
            legend=LEGEND,
            title="Demands by state",
        )
    )
    svg = svg_of(figure)
    tiles = tiles_of(svg)
    assert len(tiles) == 56 and set(tiles) == set(STATES)
    tx = tiles["TX"]
    assert tx.tag == f"{SVG}a" and tx.get("href") == "/demands?state=TX&x=1"
    assert "tile-cat-met" in tx.get("class").split()
    assert tx.find(f"{SVG}title").text == "Texas: Met"
    assert tx.find(f"{SVG}text").text == "TX"
    assert "tile-cat-denied" in tiles["CA"].get("class").split()
    assert "tile-cat-none" in tiles["ME"].get("class").split()
    assert tiles["ME"].find(f"{SVG}title").text == "Maine: No demand"
    assert tiles["WY"].tag == f"{SVG}g" and tiles["WY"].get("href") is None
    assert "tile-cat-met" in tiles["PR"].get("class")
    legend = figure.find("ul")
    items = ["".join(li.itertext()) for li in legend]
    assert items == ["Met (2)", "<script>alert(1)</script> (1)", "No demand (53)"]


def test_tile_map_escapes_labels_and_refuses_script_urls():
    out = str(
        tile_map_svg(
            {"CA": "denied", "NV": "<img>"},
            link_for=lambda code: "javascript:alert(1)" if code == "CA" else '/x?a="b"',
            legend=LEGEND,
            title='Map "<b>"',
        )
    )
    assert "<script>" not in out and "<img>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "javascript:" not in out
    svg = svg_of(parse(out))
    tiles = tiles_of(svg)
    assert tiles["CA"].tag == f"{SVG}g"
    assert tiles["NV"].get("href") == '/x?a="b"'
    # an unknown category key still becomes a harmless class name
    assert "tile-cat-img" in tiles["NV"].get("class").split()


def test_tile_map_with_no_values():
    figure = parse(tile_map_svg({}, link_for=lambda code: None, legend=[], title="Empty"))
    tiles = tiles_of(svg_of(figure))
    assert len(tiles) == 56
    assert all("tile-cat-none" in t.get("class") for t in tiles.values())
    assert ["".join(li.itertext()) for li in figure.find("ul")] == ["None (56)"]


def test_chart_css_defines_the_classes_and_is_linked(client):
    from campaign.config import ROOT

    css = (ROOT / "static" / "charts.css").read_text()
    for key in ("met", "denied", "awaiting", "overdue", "none"):
        assert f".tile-cat-{key}" in css
    page = client.get("/login").get_data(as_text=True)
    assert "charts.css" in page
