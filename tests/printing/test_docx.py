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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _parts(data: bytes) -> dict[str, str]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def test_footnotes_are_real_word_footnotes():
    from lxml import etree

    parts = _parts(render_docx(make_snapshot(), upload_store=None))
    # the footnotes part exists, is typed and is related to the document
    assert "word/footnotes.xml" in parts
    assert (
        'PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"' in parts["[Content_Types].xml"]
    )
    assert (
        'relationships/footnotes" Target="footnotes.xml"' in parts["word/_rels/document.xml.rels"]
    )
    notes = etree.fromstring(parts["word/footnotes.xml"].encode())
    by_id = {n.get(f"{W}id"): "".join(n.itertext()).strip() for n in notes.iter(f"{W}footnote")}
    assert by_id == {
        "-1": "", "0": "",  # Word's separator and continuation separator
        "1": "First note about ICE agreements, May 2026.",
        "2": "Second note on the later page.",
    }  # fmt: skip
    assert len(list(notes.iter(f"{W}footnoteRef"))) == 2  # each note carries its number
    body = etree.fromstring(parts["word/document.xml"].encode())
    refs = [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")]
    assert refs == ["1", "2"]
    first = next(p for p in body.iter(f"{W}p") if "".join(p.itertext()).startswith("We write"))
    assert [r.get(f"{W}id") for r in first.iter(f"{W}footnoteReference")] == ["1"]
    # no list of notes after the closing any more
    lines = texts(open_docx(render_docx(make_snapshot(), upload_store=None)))
    assert "Notes" not in lines
    assert not any(line.startswith("1.\t") for line in lines)


def test_a_repeated_footnote_call_is_its_number_not_a_second_note():
    from lxml import etree

    body = "One.[^a] Two.[^b] One again.[^a]\n\n[^a]: Note A.\n[^b]: Note B.\n"
    parts = _parts(render_docx(make_snapshot(body_markdown=body), upload_store=None))
    document = etree.fromstring(parts["word/document.xml"].encode())
    assert [r.get(f"{W}id") for r in document.iter(f"{W}footnoteReference")] == ["1", "2"]
    paragraph = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()).startswith("One."))
    assert "".join(paragraph.itertext()) == "One. Two. One again.1"
    notes = etree.fromstring(parts["word/footnotes.xml"].encode())
    assert len(list(notes.iter(f"{W}footnote"))) == 4


def test_a_letter_without_footnotes_has_no_footnotes_part():
    parts = _parts(render_docx(make_snapshot(body_markdown="No notes."), upload_store=None))
    assert "word/footnotes.xml" not in parts


def test_the_signature_block_follows_the_closing():
    document = open_docx(render_docx(make_snapshot(), upload_store=None))
    lines = texts(document)
    closing = lines.index("Sincerely,\nThe undersigned")
    assert lines[closing + 1] == "End 287(g) Coalition"
    assert all(r.bold for r in document.paragraphs[closing + 1].runs)


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
