"""The .docx, opened back with python-docx."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from campaign.printing import render_docx
from campaign.printing.grouping import build_list
from tests.printing.conftest import INJECTION, LONG, make_snapshot, png_bytes, signatories


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_letter_and_list_round_trip():
    document = open_docx(render_docx(make_snapshot(), upload_store=None))
    lines = texts(document)
    assert lines[0] == "End 287(g) Coalition"
    assert "May 18, 2026" in lines
    assert "Signed by 22 organizations from 13 states and territories" in lines
    assert "2 further organizations signed and asked not to be listed." in lines
    joined = "\n".join(lines)
    for s in signatories():
        if s.listed:
            assert s.name in joined, s.name
        else:
            assert s.name not in joined
    assert INJECTION in joined and LONG in joined
    assert "Communities say “enough” & more." in joined


def test_groups_in_order_with_entries_under_them():
    document = open_docx(render_docx(make_snapshot(), upload_store=None))
    listed = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name in ("Signatory Group", "Signatory")
    ]
    expected = []
    for group in build_list(signatories(), "state").groups:
        expected.append(("Signatory Group", group.heading))
        expected += [
            ("Signatory", e.name + (f", {e.place}" if e.place else "")) for e in group.entries
        ]
    assert listed == expected


def test_footnotes_become_numbered_notes():
    document = open_docx(render_docx(make_snapshot(), upload_store=None))
    lines = texts(document)
    notes = lines.index("Notes")
    assert lines[notes + 1] == "1.\tFirst note about ICE agreements, May 2026."
    assert lines[notes + 2] == "2.\tSecond note on the later page."
    body = next(p for p in document.paragraphs if p.text.startswith("We write to urge"))
    supers = [r.text for r in body.runs if r.font.superscript]
    assert supers == ["1"]


def test_list_section_has_columns_and_footer_has_page_fields():
    document = open_docx(render_docx(make_snapshot(columns=2), upload_store=None))
    last = document.sections[-1]
    assert last._sectPr.find(qn("w:cols")).get(qn("w:num")) == "2"
    footer_xml = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml


def test_addendum_and_logos(upload_store):
    sha = upload_store.save(png_bytes(), allowed={"png"}, max_bytes=10**6).sha256
    people = [s for s in signatories() if s.state == "NY"]
    people[0] = type(people[0])(**{**people[0].to_dict(), "logo_sha256": sha})
    snap = make_snapshot(
        signatories=people,
        list_only=True,
        list_heading="Additional signatories since May 18, 2026",
        logo_sha256=sha,
        include_logo_page=True,
    )
    document = open_docx(render_docx(snap, upload_store=upload_store))
    lines = texts(document)
    assert "Additional signatories since May 18, 2026" in lines
    assert "3 organizations from 1 state or territory" in lines
    assert not any(line.startswith("Dear Secretary") for line in lines)
    assert len(document.inline_shapes) == 2  # letterhead and one logo
    assert "Signatory organizations" in lines


def test_level_grouping_headings():
    document = open_docx(render_docx(make_snapshot(grouping="level"), upload_store=None))
    headings = [p.text for p in document.paragraphs if p.style.name == "Signatory Group"]
    assert headings == ["National", "State", "Local"]


def test_control_characters_do_not_break_the_document():
    from campaign.printing.snapshot import Signatory

    snap = make_snapshot(
        title="Re:\x0b the letter",
        signatories=[Signatory("Bad\x00 Name\x1f Org", "national"), Signatory("\x07", "local")],
    )
    lines = texts(open_docx(render_docx(snap, upload_store=None)))
    assert "Bad Name Org" in lines and "Re: the letter" in lines
