"""Verification marks: nowhere unless the letter marks verified organizations; then a
discreet mark after the name and a legend, on the public page and in the PDF."""

from __future__ import annotations

from campaign.delivery.snapshot import snapshot_for
from campaign.printing import render_pdf
from campaign.printing.grouping import VERIFIED_MARK
from campaign.signons.models import SignOnStatus, Verified
from tests.letters.factories import make_letter
from tests.printing.conftest import STATIC, needs_poppler, pdftotext, squash
from tests.review.factories import make_signon

S = SignOnStatus


def _letter(session, *, marks: bool):
    letter = make_letter(session, show_signatories=True)
    letter.marks_verified = marks
    session.commit()
    make_signon(session, letter, org_name="Alpha Org", status=S.APPROVED,
                verification=Verified.COORDINATOR)  # fmt: skip
    make_signon(session, letter, org_name="Beta Org", status=S.APPROVED)
    return letter


def test_no_mark_anywhere_unless_the_letter_says_so(client, session):
    letter = _letter(session, marks=False)
    page = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "Alpha Org" in page and VERIFIED_MARK not in page and "verified" not in page.lower()
    snapshot = snapshot_for(session, letter)
    assert not any(s.verified for s in snapshot.signatories)
    assert "verified" not in snapshot.to_json()


@needs_poppler
def test_marked_with_a_legend_on_the_page_and_in_the_pdf(client, session, tmp_path):
    letter = _letter(session, marks=True)
    page = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert f"Alpha Org {VERIFIED_MARK}" in page and f"Beta Org {VERIFIED_MARK}" not in page
    assert "The coalition verified that the person who signed" in page
    text = squash(pdftotext(render_pdf(snapshot_for(session, letter), static_dir=STATIC,
                                       upload_store=None), tmp_path))  # fmt: skip
    assert squash(f"Alpha Org {VERIFIED_MARK}") in text
    assert squash("The coalition verified that the person who signed") in text
