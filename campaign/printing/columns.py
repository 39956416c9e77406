"""The signatory list cut into pages of explicit columns before WeasyPrint lays it out.

WeasyPrint's multi-column layout lays every page of a list out at least twice (once to
find that it overflows, once for real) and a balanced last page several times more, and
that was most of the time of a long letter. Here the list is measured with Pango (the
same fonts and wrapping WeasyPrint uses, without its box layout), packed into columns
page by page, and printed as floated columns that WeasyPrint lays out once.

Where the list starts and how much room each page has come from a layout of the letter
with a small probe in place of the list (:func:`read_frame`). After the real layout,
:func:`layout_matches` checks that every planned page is exactly one printed page; the
caller falls back to CSS columns when it is not (a font that measures differently).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from campaign.i18n import gettext
from campaign.printing.grouping import Entry, Group

PROBE_ID = "list-probe"
PAGE_ID = "list-page-{}"
PAGE_END_ID = "list-page-{}-end"
CONTINUED = " (continued)"  # in English; continued() in the letter's language


def continued() -> str:
    """ " (continued)" after a heading, in the language the letter is printed in."""
    return " " + gettext("(continued)")


# Room left unused at the foot of each column (CSS px): a line with a fallback font
# (CJK, Arabic) can sit a little taller than the others.
SLACK = 4.0


class PlanError(RuntimeError):
    """The list cannot be planned (or the plan did not survive layout): use CSS columns."""


@dataclass(frozen=True)
class Cell:
    """One printed block of a column: a heading or a name (``end``: last of its group)."""

    text: str
    heading: bool = False
    end: bool = False


@dataclass
class Frame:
    """Where the list goes (CSS px) and how its lines measure, read from the probe layout."""

    page_index: int  # the page the list starts on
    first_room: float  # height available for the list on that page
    full_room: float  # height of a whole page's content area
    measure_name: object  # (text) -> height of a name block, margin included
    measure_heading: object  # (text) -> height of a heading block, margin included


@dataclass
class PlannedPage:
    """The columns of one printed page (each a list of cells)."""

    columns: list[list[Cell]] = field(default_factory=list)


def entry_text(entry: Entry) -> str:
    """A name as printed in the list: the name, then its place when there is one."""
    return f"{entry.name}, {entry.place}" if entry.place else entry.name


@dataclass(frozen=True)
class _Item:
    cell: Cell
    height: float
    group: int  # index of its group, to repeat a heading at the top of a new page


def _items(groups: tuple[Group, ...], frame: Frame) -> list[_Item]:
    items = []
    for g, group in enumerate(groups):
        if group.heading:
            items.append(_Item(Cell(group.heading, heading=True), 0.0, g))
        last = len(group.entries) - 1
        for i, entry in enumerate(group.entries):
            items.append(_Item(Cell(entry_text(entry), end=i == last), 0.0, g))
    heights = [
        frame.measure_heading(it.cell.text)
        if it.cell.heading
        else frame.measure_name(it.cell.text, end=it.cell.end)
        for it in items
    ]
    return [_Item(it.cell, h, it.group) for it, h in zip(items, heights, strict=True)]


def _fill(items: list[_Item], start: int, room: float, count: int, lead: _Item | None):
    """Greedy: up to ``count`` columns of at most ``room`` from ``items[start:]``; a heading
    only goes where the name after it fits too. Returns (columns, next index)."""
    columns: list[list[Cell]] = []
    i, n = start, len(items)
    for c in range(count):
        column: list[Cell] = []
        used = 0.0
        if c == 0 and lead is not None:
            column.append(lead.cell)
            used = lead.height
        while i < n:
            item = items[i]
            need = item.height
            if item.cell.heading and i + 1 < n and not items[i + 1].cell.heading:
                need += items[i + 1].height
            if used + need > room:
                break
            column.append(item.cell)
            used += item.height
            i += 1
        columns.append(column)
        if i == n:
            break
    if i == start:
        return [], start
    return columns, i


def _lead(items: list[_Item], groups: tuple[Group, ...], start: int, frame: Frame):
    """The "(continued)" heading for a page that starts inside a group, or None."""
    if start == 0 or start >= len(items) or items[start].cell.heading:
        return None
    heading = groups[items[start].group].heading
    if not heading:
        return None
    text = heading + continued()
    return _Item(Cell(text, heading=True), frame.measure_heading(text), items[start].group)


def plan_pages(groups: tuple[Group, ...], frame: Frame, count: int) -> list[PlannedPage]:
    """The list as pages of ``count`` columns: full pages filled column by column, the
    last page balanced (columns as even as the blocks allow)."""
    items = _items(groups, frame)
    pages: list[PlannedPage] = []
    start = 0
    room = frame.first_room - SLACK
    while start < len(items):
        lead = _lead(items, groups, start, frame)
        columns, end = _fill(items, start, room, count, lead)
        if end == start:
            # not even a heading and its first name: the probe kept room for more
            raise PlanError("Nothing of the list fits on a page.")
        if end == len(items):
            columns = _balance(items, start, room, count, lead, columns)
        pages.append(PlannedPage(columns))
        start = end
        room = frame.full_room - SLACK
    return pages


def _balance(items, start: int, room: float, count: int, lead, columns) -> list[list[Cell]]:
    """The lowest column height (to 0.5 px) at which everything left still fits in
    ``count`` columns, and those columns (``columns``: the fit at ``room``)."""
    low, high = 0.0, room
    while high - low > 0.5:
        mid = (low + high) / 2
        trial, end = _fill(items, start, mid, count, lead)
        if end == len(items):
            columns, high = trial, mid
        else:
            low = mid
    return columns


# --- reading the probe layout -------------------------------------------------------


def _boxes_by_id(box, wanted: set[str], found: dict) -> dict:
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None):
        ident = element.get("id")
        if ident in wanted and ident not in found:
            found[ident] = box
    for child in getattr(box, "children", ()) or ():
        _boxes_by_id(child, wanted, found)
    return found


def read_frame(document) -> Frame:
    """The list's room and text measures from a layout of the probe letter."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    ids = {PROBE_ID, "probe-h3", "probe-p", "probe-end"}
    index = next((i for i, page in enumerate(document.pages) if PROBE_ID in page.anchors), None)
    if index is None:
        raise PlanError("The probe was not laid out.")
    page = document.pages[index]
    page_box = page._page_box
    found = _boxes_by_id(page_box, ids, {})
    if set(found) != ids:
        raise PlanError("The probe was not laid out on one page.")
    top = page_box.content_box_y()
    bottom = top + page_box.height
    for child in page_box.children:
        if isinstance(child, FootnoteAreaBox) and child.children:
            bottom = min(bottom, child.position_y)
    probe, h3, p, end = (found[i] for i in ("list-probe", "probe-h3", "probe-p", "probe-end"))
    return Frame(
        page_index=index,
        first_room=bottom - probe.content_box_y(),
        full_room=page_box.height,
        measure_name=_Measure(p, end),
        measure_heading=_Measure(h3, None, upper=True),
    )


class _Measure:
    """Height of a block of the probe's style holding other text: Pango counts its lines
    at the probe's widths (the first line may start left of the others: hanging indent)."""

    def __init__(self, box, end_box, *, upper: bool = False) -> None:
        from weasyprint.layout.percent import percentage
        from weasyprint.text.ffi import TO_UNITS, ffi, pango
        from weasyprint.text.line_break import Layout

        self._pango = pango
        self._upper = upper
        self._layout = Layout(box.style)
        pango.pango_layout_set_wrap(self._layout.layout, pango.PANGO_WRAP_WORD_CHAR)
        indent = percentage(box.style["text_indent"], box.style, box.width)
        self._first = int((box.width - indent) * TO_UNITS)
        self._rest = int(box.width * TO_UNITS)
        self._line = box.height  # one line of the probe text
        extra = box.padding_top + box.padding_bottom + box.border_top_width
        extra += box.border_bottom_width + box.margin_top
        self._after = extra + box.margin_bottom
        self._after_end = extra + (end_box.margin_bottom if end_box is not None else 0.0)
        self._null = ffi.NULL

    def lines(self, text: str) -> int:
        """How many lines ``text`` takes."""
        pango, layout = self._pango, self._layout
        pango.pango_layout_set_width(layout.layout, self._first)
        layout.set_text(text)
        _, index = layout.get_first_line()
        if index is None:
            return 1
        rest = text.encode()[index:].decode(errors="ignore").lstrip(" ")
        if not rest:
            return 1
        pango.pango_layout_set_width(layout.layout, self._rest)
        layout.set_text(rest)
        count = 0
        while pango.pango_layout_get_line_readonly(layout.layout, count) != self._null:
            count += 1
        return 1 + count

    def __call__(self, text: str, *, end: bool = False) -> float:
        text = text.upper() if self._upper else text
        lines = self.lines(" ".join(text.split()))
        return lines * self._line + (self._after_end if end else self._after)


def layout_matches(document, pages: int, first_page: int) -> bool:
    """True when planned page ``k`` starts and ends on printed page ``first_page + k``."""
    where: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            where.setdefault(name, index)
    for k in range(pages):
        start = where.get(PAGE_ID.format(k))
        end = where.get(PAGE_END_ID.format(k))
        if start is None or start != end or start != first_page + k:
            return False
    return True
