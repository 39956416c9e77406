"""One continuous journey, from a new letter to the PDF that names its signatory.

A coordinator creates and opens a letter; a signer signs on from a phone and
confirms through the link in the mail the real SMTP server received; the
coordinator approves the sign-on in the review queue, makes the PDF, downloads it,
and the organization's name is in the PDF's text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.steps import confirm_link, create_open_letter, sign_on, wait_for_mail

ORG = "Fe y Justicia del Sur"  # short words: the PDF's columns never hyphenate them


def pdf_text(path: Path) -> str:
    """The text of a PDF (pdftotext, from poppler-utils), whitespace collapsed."""
    assert shutil.which("pdftotext"), "pdftotext is needed (apt-get install poppler-utils)"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def test_from_a_new_letter_to_the_pdf_naming_its_approved_signatory(
    server, mailbox, new_page, tmp_path
):
    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    public_url = create_open_letter(
        coordinator, server.url, "End 287(g) in Texas", "Terminate Texas's 287(g) agreements"
    )
    letter_url = coordinator.url

    signer = new_page(phone=True)
    before = len(mailbox.messages)
    sign_on(signer, public_url, org=ORG, state="TX", name="Rosa Gómez", email="rosa@example.org")
    signer.goto(confirm_link(wait_for_mail(mailbox, "rosa@example.org", before, signer)))
    signer.get_by_role("button", name="Confirm").click()
    expect(signer.get_by_text(re.compile("confirmed", re.I)).first).to_be_visible()

    coordinator.goto(letter_url)
    coordinator.get_by_role("link", name="Review sign-ons").click()
    row = coordinator.locator("tr", has_text=ORG)
    expect(row.get_by_text("Confirmed")).to_be_visible()
    row.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_text(f"“{ORG}” approved.")).to_be_visible()
    expect(coordinator.locator("tr", has_text=ORG).get_by_text("Approved")).to_be_visible()

    coordinator.goto(letter_url)
    coordinator.get_by_role("link", name="Print & send").click()
    expect(coordinator.get_by_text("1 approved sign-on would be printed today.")).to_be_visible()
    # one signatory: made at once, and the answer is the file itself
    with coordinator.expect_download(timeout=60_000) as made:
        coordinator.get_by_role("button", name="Make PDF").click()
    pdf = tmp_path / made.value.suggested_filename
    made.value.save_as(pdf)
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "We urge you to end the 287(g) program." in text, text[:2000]
    assert ORG in text, text[:2000]

    # the page now offers the same file for download
    coordinator.reload()
    with coordinator.expect_download() as again:
        coordinator.get_by_role("link", name="Download PDF").click()
    assert Path(again.value.path()).read_bytes() == pdf.read_bytes()
