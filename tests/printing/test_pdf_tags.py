"""The letter is a tagged PDF (PDF/UA-1), read back with pikepdf: a structure tree with
headings and the signatory lists as lists, the document language, MarkInfo and a title."""

from __future__ import annotations

import io
from collections import Counter

import pikepdf
import pytest

from campaign.printing import pdf as pdf_module
from campaign.printing import render_pdf
from campaign.printing.columns import PlanError
from tests.printing.conftest import STATIC, make_snapshot, png_bytes, signatories

TITLE = "Re: Ending the 287(g) program"


def structure(data: bytes) -> tuple[pikepdf.Pdf, Counter, list[pikepdf.Dictionary]]:
    """The open PDF, how many structure elements of each type, and the elements."""
    pdf = pikepdf.open(io.BytesIO(data))
    counts: Counter = Counter()
    elements: list[pikepdf.Dictionary] = []
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            counts[str(node.S)[1:]] += 1
            elements.append(node)
            if "/K" in node:
                stack.append(node.K)
    return pdf, counts, elements


def text_of(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> str:
    """An element's Alt text, if any (figures)."""
    return str(element.get("/Alt", ""))


@pytest.fixture(scope="module")
def letter() -> bytes:
    return render_pdf(make_snapshot(), static_dir=STATIC, upload_store=None)


def test_the_letter_is_marked_and_has_a_structure_tree(letter):
    pdf, counts, _ = structure(letter)
    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert counts["Document"] == 1
    assert counts["H1"] >= 1 and counts["H2"] >= 1  # the title, "Signed by …"
    assert counts["H3"] >= 5  # one heading per state group


def test_the_signatory_list_is_a_list_with_one_item_per_name(letter):
    _, counts, _ = structure(letter)
    listed = [s for s in signatories() if s.listed]
    assert counts["L"] >= 1
    assert counts["LI"] >= len(listed)


def test_language_title_and_pdf_ua_identification(letter):
    pdf, _, _ = structure(letter)
    assert str(pdf.Root.Lang) == "en"
    assert str(pdf.docinfo.Title) == TITLE
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    with pdf.open_metadata() as meta:
        assert meta.get("dc:title") == TITLE
        assert meta.get("pdfuaid:part") == "1"


def test_a_spanish_letter_declares_spanish():
    data = render_pdf(make_snapshot(), static_dir=STATIC, upload_store=None, lang="es")
    pdf, _, _ = structure(data)
    assert str(pdf.Root.Lang) == "es"


def test_the_css_columns_fallback_is_tagged_the_same(monkeypatch):
    def no_plan(*args, **kwargs):
        raise PlanError("forced for the test")

    monkeypatch.setattr(pdf_module, "_planned_pdf", no_plan)
    pdf, counts, _ = structure(render_pdf(make_snapshot(), static_dir=STATIC, upload_store=None))
    assert pdf.Root.MarkInfo.Marked is True
    assert counts["L"] >= 1 and counts["LI"] >= len([s for s in signatories() if s.listed])
    assert counts["H3"] >= 5


def test_withdrawals_are_a_list_too():
    from datetime import date

    from campaign.printing import Withdrawal

    gone = [s for s in signatories() if s.listed][:2]
    snap = make_snapshot(
        withdrawals=tuple(Withdrawal(s, date(2026, 6, 1)) for s in gone),
        signatories=(),
        body_markdown="Short.",
    )
    _, counts, _ = structure(render_pdf(snap, static_dir=STATIC, upload_store=None))
    assert counts["L"] == 1 and counts["LI"] == 2


def test_logos_are_figures_with_alt_text(upload_store):
    red = upload_store.save(png_bytes("red"), allowed={"png"}, max_bytes=10**6).sha256
    blue = upload_store.save(png_bytes("blue"), allowed={"png"}, max_bytes=10**6).sha256
    people = [s for s in signatories() if s.state == "CA"]
    people[0] = type(people[0])(**{**people[0].to_dict(), "logo_sha256": blue})
    snap = make_snapshot(
        signatories=people, logo_sha256=red, include_logo_page=True, body_markdown="Short."
    )
    pdf, _, elements = structure(render_pdf(snap, static_dir=STATIC, upload_store=upload_store))
    alts = sorted(text_of(pdf, e) for e in elements if str(e.S) == "/Figure")
    assert alts == sorted([f"{people[0].name} logo", "End 287(g) Coalition logo"])
