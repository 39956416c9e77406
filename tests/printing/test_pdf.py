"""The PDF, read back with poppler: names, groups and their order, counts, footnotes, pages."""

from __future__ import annotations

import re

import pytest

from campaign.printing import render_pdf
from campaign.printing.grouping import build_list
from tests.printing.conftest import (
    ARABIC,
    CJK,
    HEBREW,
    INJECTION,
    LONG,
    STATIC,
    has_cjk_font,
    make_snapshot,
    needs_poppler,
    page_count,
    pdftotext,
    png_bytes,
    reading_order,
    signatories,
    squash,
    words,
)

pytestmark = needs_poppler


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def letter(tmp) -> bytes:
    """The test letter grouped by state, in 3 columns."""
    return render_pdf(make_snapshot(), static_dir=STATIC, upload_store=None)


def listed_names():
    return [s.name for s in signatories() if s.listed]


def test_it_is_a_pdf_with_page_x_of_y_on_every_page(letter, tmp):
    assert letter.startswith(b"%PDF-")
    pages = page_count(letter, tmp)
    assert pages >= 3  # a page of body, then the rest of it and the list
    texts = pdftotext(letter, tmp, layout=True).split("\f")[:pages]
    for number, text in enumerate(texts, start=1):
        footer = [line.strip() for line in text.strip().splitlines()][-1]
        assert footer == f"Page {number} of {pages}"


def test_every_listed_name_is_text_and_unlisted_are_absent(letter, tmp):
    plain = squash(pdftotext(letter, tmp))
    for name in listed_names():
        if name == CJK and not has_cjk_font():
            continue
        if name in (ARABIC, HEBREW):
            continue  # right-to-left: checked separately, extraction order varies
        assert squash(name) in plain, name
    assert "Hidden Donor Network" not in plain.replace("", "")
    assert squash("Hidden Donor Network") not in plain
    assert squash("Quiet Local Group") not in plain


def test_right_to_left_names_render(letter, tmp):
    plain = pdftotext(letter, tmp)
    for name in (ARABIC, HEBREW):
        letters = {ch for ch in name if not ch.isspace()}
        # DejaVu has Arabic and Hebrew: the glyphs are there as text (order may be visual)
        assert letters <= set(plain), name


def test_cjk_name_is_text_when_a_cjk_font_is_installed(letter, tmp):
    if not has_cjk_font():
        pytest.skip("no CJK font installed (fonts-wqy-microhei)")
    assert CJK in squash(pdftotext(letter, tmp))


def test_counts_and_heading(letter, tmp):
    expected = build_list(signatories(), "state")
    text = " ".join(pdftotext(letter, tmp).split())
    assert "Signed by 22 organizations from 13 states and territories" in text
    assert expected.heading in text
    assert "2 further organizations signed and asked not to be listed." in text


@pytest.mark.parametrize("css_columns", [False, True], ids=["planned", "css-columns"])
def test_groups_in_order_and_each_name_under_its_heading(tmp, monkeypatch, css_columns):
    if css_columns:
        _css_columns_only(monkeypatch)
    pdf = render_pdf(make_snapshot(body_markdown="Short letter."), static_dir=STATIC,
                     upload_store=None)  # fmt: skip
    text = reading_order(pdf, tmp, columns=3)
    groups = build_list(signatories(), "state").groups
    positions = []
    for group in groups:
        heading = squash(group.heading.upper())  # printed in capitals (text-transform)
        positions.append(text.index(heading, positions[-1] if positions else 0))
    assert positions == sorted(positions)
    bounds = [*positions, len(text)]
    for i, group in enumerate(groups):
        for entry in group.entries:
            if entry.name in (CJK, ARABIC, HEBREW):
                continue
            at = text.index(squash(entry.name), bounds[i])
            assert at < bounds[i + 1], (group.heading, entry.name)


def test_body_typography_is_text(letter, tmp):
    text = pdftotext(letter, tmp)
    assert "Communities say “enough” & more." in " ".join(text.split())
    assert "Comité “Unidos” & Amigos" in text
    assert "Brooklyn Défense Committee" in text


def test_injection_and_very_long_names_are_plain_text(letter, tmp):
    plain = squash(pdftotext(letter, tmp))
    assert squash(INJECTION) in plain
    assert len(LONG) == 200 and squash(LONG) in plain


def _lines_of(found: list[dict]) -> float:
    return min(w["y"] for w in found)


def _find(all_words, phrase: str) -> list[dict]:
    """The words of ``phrase`` where they first occur in a row."""
    parts = phrase.split()
    texts = [w["text"] for w in all_words]
    for i in range(len(texts) - len(parts) + 1):
        if texts[i : i + len(parts)] == parts:
            return all_words[i : i + len(parts)]
    raise AssertionError(f"{phrase!r} not found")


@pytest.mark.parametrize(
    ("reference", "note"),
    [
        ("to end the 287(g)", "First note about ICE agreements, May 2026."),
        ("Late reference", "Second note on the later page."),
    ],
)
def test_footnotes_sit_at_the_bottom_of_the_page_that_references_them(letter, tmp, reference, note):
    all_words = words(letter, tmp)
    ref = _find(all_words, reference)
    text = _find(all_words, note)
    assert ref[0]["page"] == text[0]["page"]
    page = [w for w in all_words if w["page"] == ref[0]["page"]]
    height = page[0]["h"]
    note_top = _lines_of(text)
    assert note_top > ref[-1]["y1"] and note_top > 0.6 * height
    # nothing but other footnotes and the footer below it
    body_bottom = max(
        w["y1"] for w in page if w["y"] < note_top - 20 and not w["text"].startswith("Page")
    )
    assert body_bottom < note_top
    # and it is printed once (not also inline in the text)
    plain = " ".join(pdftotext(letter, tmp).split())
    assert plain.count(note) == 1


def test_second_footnote_is_on_a_later_page_than_the_first(letter, tmp):
    all_words = words(letter, tmp)
    first = _find(all_words, "First note about ICE agreements, May 2026.")
    second = _find(all_words, "Second note on the later page.")
    assert second[0]["page"] > first[0]["page"]


@pytest.mark.parametrize("grouping", ["level", "alpha"])
def test_other_groupings(tmp, grouping):
    snap = make_snapshot(grouping=grouping, columns=2, body_markdown="Short letter.")
    pdf = render_pdf(snap, static_dir=STATIC, upload_store=None)
    text = reading_order(pdf, tmp, columns=2)
    (groups) = build_list(snap.signatories, grouping).groups
    entries = [e for g in groups for e in g.entries if e.name not in (CJK, ARABIC, HEBREW)]
    at = 0
    for entry in entries:  # every name, in the printed order
        at = text.index(squash(entry.name), at)
    if grouping == "level":
        spots = [text.index(h) for h in ("NATIONAL", "STATE", "LOCAL")]
        assert spots == sorted(spots)
    else:
        assert "NATIONAL" not in text


def test_addendum_prints_only_the_list_under_its_own_heading(tmp):
    late = [s for s in signatories() if s.state == "NY"]
    snap = make_snapshot(
        signatories=late,
        list_only=True,
        list_heading="Additional signatories since May 18, 2026",
    )
    pdf = render_pdf(snap, static_dir=STATIC, upload_store=None)
    text = " ".join(pdftotext(pdf, tmp).split())
    assert "Additional signatories since May 18, 2026" in text
    assert "3 organizations from 1 state or territory" in text
    assert "Signed by" not in text and "Dear Secretary" not in text
    assert "Brooklyn Défense Committee" in text and "Iowa Justice Center" not in text
    assert page_count(pdf, tmp) == 1 and "Page 1 of 1" in text


def test_logos_from_the_upload_store(tmp, upload_store):
    red = upload_store.save(png_bytes("red"), allowed={"png"}, max_bytes=10**6).sha256
    blue = upload_store.save(png_bytes("blue"), allowed={"png"}, max_bytes=10**6).sha256
    people = [s for s in signatories() if s.state == "CA"]
    people[0] = type(people[0])(**{**people[0].to_dict(), "logo_sha256": blue})
    snap = make_snapshot(
        signatories=people, logo_sha256=red, include_logo_page=True, body_markdown="Short."
    )
    pdf = render_pdf(snap, static_dir=STATIC, upload_store=upload_store)
    path = tmp / "logos.pdf"
    path.write_bytes(pdf)
    import subprocess

    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    images = [line for line in listing.stdout.splitlines()[2:] if line.strip()]
    assert len(images) >= 2  # the letterhead and one signatory logo
    last_page = pdftotext(pdf, tmp).split("\f")[page_count(pdf, tmp) - 1]
    assert "Signatory organizations" in last_page and people[0].name in last_page


def test_a_missing_logo_is_left_out(tmp, upload_store):
    snap = make_snapshot(logo_sha256="0" * 64, body_markdown="Short.", signatories=())
    pdf = render_pdf(snap, static_dir=STATIC, upload_store=upload_store)
    assert "No organizations have signed yet" in pdftotext(pdf, tmp)


def test_same_snapshot_same_bytes():
    snap = make_snapshot(body_markdown="Short.", signatories=signatories()[:5])
    first = render_pdf(snap, static_dir=STATIC, upload_store=None)
    assert render_pdf(snap, static_dir=STATIC, upload_store=None) == first


def test_title_and_author_metadata(letter, tmp):
    path = tmp / "meta.pdf"
    path.write_bytes(letter)
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Title:\s+Re: Ending the 287\(g\) program$", info, re.M)
    assert re.search(r"^Author:\s+End 287\(g\) Coalition$", info, re.M)


@pytest.mark.parametrize("css_columns", [False, True], ids=["planned", "css-columns"])
def test_a_heading_is_never_alone_at_the_foot_of_a_column(tmp, monkeypatch, css_columns):
    """Every group heading has a name below it, in its own column on its own page
    (break-after: avoid); long names wrap with a hanging indent.

    Three names in each of the 56 states and territories: with ``break-after: auto`` this
    list leaves LOUISIANA and WASHINGTON alone at the foot of a column.
    """
    from campaign.core.states import STATES
    from campaign.printing.snapshot import Signatory
    from tests.printing.conftest import GAP, MARGIN, PAGE_WIDTH

    if css_columns:
        _css_columns_only(monkeypatch)
    people = [Signatory(f"{name} Org {i}", "state", code) for code, name in STATES.items()
              for i in range(3)]  # fmt: skip
    people.append(Signatory(LONG, "local", "TX"))
    pdf = render_pdf(make_snapshot(signatories=people, body_markdown="Short."),
                     static_dir=STATIC, upload_store=None)  # fmt: skip
    assert page_count(pdf, tmp) >= 2
    width = (PAGE_WIDTH - 2 * MARGIN - 2 * GAP) / 3
    found = [w for w in words(pdf, tmp) if w["y"] < w["h"] - MARGIN]  # without the footer
    start = next(w for w in found if w["text"] == "Signed")
    listed = [w for w in found if (w["page"], w["y"]) > (start["page"], start["y"] + 2)]

    def column(w):
        return int((w["x"] - MARGIN + GAP / 2) // (width + GAP))

    lines: dict[tuple, list[dict]] = {}
    for w in listed:
        lines.setdefault((w["page"], column(w), round(w["y"])), []).append(w)
    headings = {name.upper() for name in [*STATES.values(), "National"]}
    seen = 0
    for (page, col, y), line in lines.items():
        text = " ".join(w["text"] for w in sorted(line, key=lambda w: w["x"]))
        if text in headings:
            seen += 1
            below = [k for k in lines if k[0] == page and k[1] == col and k[2] > y]
            assert below, f"{text} alone at the foot of column {col + 1} on page {page}"
    assert seen >= len(STATES) - 1  # "NORTHERN MARIANA ISLANDS" wraps onto two lines
    # hanging indent: wrapped continuation lines start further right than first lines
    starts = sorted({round(w["x"] - MARGIN - column(w) * (width + GAP)) for w in listed
                     if w is min(lines[(w["page"], column(w), round(w["y"]))],
                                 key=lambda v: v["x"])})  # fmt: skip
    assert 0 in starts and any(10 <= s <= 14 for s in starts), starts


def test_long_lists_are_cut_into_column_boxes_mostly_between_groups():
    from campaign.printing.grouping import Entry, Group
    from campaign.printing.pdf import chunk_groups

    def group(heading, n):
        return Group(heading, tuple(Entry(f"{heading}{i}") for i in range(n)))

    boxes = chunk_groups((group("A", 3), group("B", 3), group("C", 12), group("D", 1)), size=5)
    shape = [[(b.heading, len(b.entries), b.continued) for b in box] for box in boxes]
    assert shape == [
        [("A", 3, False), ("B", 3, False)],
        [("C", 10, False)],
        [("C", 2, True), ("D", 1, False)],
    ]
    flat = [e for box in boxes for b in box for e in b.entries]
    assert flat == [e for g in (group("A", 3), group("B", 3), group("C", 12), group("D", 1))
                    for e in g.entries]  # fmt: skip
    assert chunk_groups(()) == []


def _css_columns_only(monkeypatch):
    """Make render_pdf use its fallback, CSS columns in boxes (as when a plan fails)."""
    from campaign.printing import pdf as pdf_module
    from campaign.printing.columns import PlanError

    def refuse(*args, **kwargs):
        raise PlanError("test")

    monkeypatch.setattr(pdf_module, "_planned_pdf", refuse)


def test_a_group_split_over_boxes_repeats_its_heading(tmp, monkeypatch):
    from campaign.printing import pdf as pdf_module
    from campaign.printing.snapshot import Signatory

    _css_columns_only(monkeypatch)
    monkeypatch.setattr(pdf_module, "CHUNK", 4)
    monkeypatch.setattr(pdf_module.chunk_groups, "__defaults__", (4,))
    people = [Signatory(f"Texas Group {i:02d}", "state", "TX") for i in range(12)]
    pdf = render_pdf(make_snapshot(signatories=people, body_markdown="Short."),
                     static_dir=STATIC, upload_store=None)  # fmt: skip
    found = words(pdf, tmp)
    assert [w["text"] for w in found].count("TEXAS") == 2
    again = next(w for w in found if w["text"] == "(CONTINUED)")
    y = {w["text"]: w["y"] for w in found if re.fullmatch(r"\d\d", w["text"])}
    # the first box (8 names) above the second (the other 4, under the repeated heading)
    first, second = [y[f"{i:02d}"] for i in range(8)], [y[f"{i:02d}"] for i in range(8, 12)]
    assert max(first) < min(second) <= again["y"] + 20


def test_control_characters_in_names_do_not_break_the_pdf(tmp):
    from campaign.printing.snapshot import Signatory

    snap = make_snapshot(
        body_markdown="Short.\x0b",
        signatories=[Signatory("Bad\x00 Name\x1f Org", "national"), Signatory("\x07", "local")],
    )
    pdf = render_pdf(snap, static_dir=STATIC, upload_store=None)
    assert "Name" in pdftotext(pdf, tmp)


def test_a_page_that_starts_inside_a_group_repeats_its_heading(tmp):
    from campaign.printing.snapshot import Signatory

    people = [Signatory(f"Texas Group {i:03d}", "state", "TX") for i in range(400)]
    pdf = render_pdf(make_snapshot(signatories=people, body_markdown="Short."),
                     static_dir=STATIC, upload_store=None)  # fmt: skip
    pages = page_count(pdf, tmp)
    assert pages >= 3
    found = [w for w in words(pdf, tmp) if w["y"] < w["h"] - 60]  # without the footer
    for page in range(2, pages + 1):
        first_column = [w for w in found if w["page"] == page and w["x"] < 200]
        top = sorted(first_column, key=lambda w: (w["y"], w["x"]))[:2]
        assert [w["text"] for w in top] == ["TEXAS", "(CONTINUED)"], page
    text = reading_order(pdf, tmp, columns=3)
    spots = [text.index(f"TexasGroup{i:03d}") for i in range(400)]
    assert spots == sorted(spots)


def test_the_signature_block_follows_sincerely(letter, tmp):
    text = pdftotext(letter, tmp)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    closing = lines.index("The undersigned")
    assert lines[closing - 1] == "Sincerely,"
    assert lines[closing + 1] == "End 287(g) Coalition"  # the sender line, signed


def test_an_addendum_has_no_signature_block(tmp):
    addendum = make_snapshot(list_only=True, list_heading="Additional signatories")
    text = pdftotext(render_pdf(addendum, static_dir=STATIC, upload_store=None), tmp)
    # the letterhead names the sender once; no closing, no signature under it
    assert text.count("End 287(g) Coalition") == 1
