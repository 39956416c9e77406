"""The list planned into pages of columns (campaign.printing.columns), without WeasyPrint:
a heading never ends a column, nothing is lost or reordered, full pages are filled, the
last page is balanced, and a page that starts inside a group repeats its heading."""

from __future__ import annotations

import logging

import pytest

from campaign.printing.columns import CONTINUED, SLACK, Frame, PlanError, plan_pages
from campaign.printing.grouping import Entry, Group

LINE = 10.0


def frame(first: float = 100.0, full: float = 100.0) -> Frame:
    """Names are one line per 20 characters; headings one line; no margins."""

    def name(text: str, *, end: bool = False) -> float:
        return LINE * (1 + (len(text) - 1) // 20)

    return Frame(
        page_index=0,
        first_room=first + SLACK,
        full_room=full + SLACK,
        measure_name=name,
        measure_heading=lambda text: LINE,
    )


def groups(*sizes: int, heading: bool = True) -> tuple[Group, ...]:
    return tuple(
        Group(f"G{g}" if heading else "", tuple(Entry(f"n{g}-{i}") for i in range(size)))
        for g, size in enumerate(sizes)
    )


def texts(pages) -> list[str]:
    return [cell.text for page in pages for column in page.columns for cell in column]


def column_height(column) -> float:
    return LINE * len(column)  # every test cell is one line


def test_nothing_is_lost_or_reordered_and_full_pages_are_full():
    gs = groups(7, 30, 3, 41, 2)
    pages = plan_pages(gs, frame(first=40.0), count=3)
    printed = [t for t in texts(pages) if not t.endswith(CONTINUED)]
    expected = [t for g in gs for t in (g.heading, *(e.name for e in g.entries))]
    assert printed == expected
    for page in pages[:-1]:
        assert len(page.columns) == 3
    # columns of a full page leave less than two lines free (a heading needs its name)
    for page in pages[1:-1]:
        for column in page.columns:
            assert 100.0 - column_height(column) < 2 * LINE
    assert all(column_height(c) <= 40.0 for c in pages[0].columns)


def test_a_heading_never_ends_a_column():
    for sizes in [(1,) * 30, (2, 9, 1, 1, 8, 1), (4,) * 12]:
        for first in (20.0, 30.0, 55.0, 100.0):
            pages = plan_pages(groups(*sizes), frame(first=first), count=3)
            for page in pages:
                for column in page.columns:
                    assert column and not column[-1].heading, (sizes, first)


def test_the_last_page_is_balanced():
    pages = plan_pages(groups(60, heading=False), frame(first=1000.0, full=1000.0), count=3)
    assert len(pages) == 1
    assert [len(c) for c in pages[0].columns] == [20, 20, 20]
    pages = plan_pages(groups(61, heading=False), frame(first=1000.0, full=1000.0), count=2)
    assert [len(c) for c in pages[0].columns] == [31, 30]


def test_a_page_that_starts_inside_a_group_repeats_its_heading():
    pages = plan_pages(groups(25), frame(full=100.0), count=2)
    assert pages[0].columns[0][0].text == "G0"
    second = pages[1].columns[0]
    assert second[0].heading and second[0].text == "G0" + CONTINUED
    # and the alphabetical list has no headings to repeat
    pages = plan_pages(groups(25, heading=False), frame(full=100.0), count=2)
    assert not any(c.heading for c in texts_cells(pages))


def texts_cells(pages):
    return [cell for page in pages for column in page.columns for cell in column]


def test_only_the_last_name_of_a_group_is_marked_end():
    pages = plan_pages(groups(3, 2), frame(first=1000.0, full=1000.0), count=2)
    ends = [c.text for c in texts_cells(pages) if c.end]
    assert ends == ["n0-2", "n1-1"]


def test_a_long_name_takes_its_lines():
    gs = (Group("", (Entry("x" * 59), Entry("short"))),)  # 3 lines, then 1
    pages = plan_pages(gs, frame(first=1000.0, full=1000.0), count=2)
    assert [[c.text for c in col] for col in pages[0].columns] == [["x" * 59], ["short"]]


def test_no_room_at_all_is_refused():
    with pytest.raises(PlanError):
        plan_pages(groups(3), frame(first=5.0, full=5.0), count=3)


def test_render_pdf_uses_the_plan_for_the_test_letters(caplog):
    from campaign.printing import render_pdf
    from campaign.printing.sample import sample_snapshot
    from tests.printing.conftest import STATIC, make_snapshot

    caplog.set_level(logging.WARNING, logger="campaign.printing.pdf")
    for snapshot in (
        make_snapshot(),
        make_snapshot(columns=2, grouping="level"),
        sample_snapshot(250, grouping="alpha"),
        sample_snapshot(250, list_only=True, list_heading="Additional signatories"),
    ):
        assert render_pdf(snapshot, static_dir=STATIC, upload_store=None).startswith(b"%PDF")
    assert "CSS columns instead" not in caplog.text


def test_a_measuring_failure_falls_back_to_css_columns(monkeypatch, caplog, tmp_path):
    """read_frame leans on WeasyPrint internals: if they change, the letter still prints."""
    from campaign.printing import columns, render_pdf
    from tests.printing.conftest import STATIC, make_snapshot, pdftotext, squash

    def broken(*args, **kwargs):
        raise AttributeError("'BlockBox' object has no attribute 'something'")

    monkeypatch.setattr(columns, "_Measure", broken)
    caplog.set_level(logging.WARNING, logger="campaign.printing.pdf")
    pdf = render_pdf(make_snapshot(body_markdown="Short."), static_dir=STATIC, upload_store=None)
    assert "CSS columns instead" in caplog.text
    assert squash("Brooklyn Défense Committee") in squash(pdftotext(pdf, tmp_path))
