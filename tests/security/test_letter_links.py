"""Issue 16.9: a relative link in a letter became file:///…/static/… in the delivered PDF,
showing officials the server's install path. Letters refuse relative links when saved,
and the PDF never links anywhere but to a full address."""

from __future__ import annotations

import subprocess

import pytest

from campaign.campaigns.models import Campaign
from campaign.letters.models import Letter
from campaign.printing import render_pdf
from tests.letters.factories import make_letter
from tests.letters.test_letters import _form
from tests.printing.conftest import STATIC, make_snapshot, needs_poppler

RELATIVE = ["/about", "about.html", "../static/app.css", "//evil.example/x", "#note", "ftp.x"]


@pytest.mark.parametrize("href", RELATIVE)
def test_a_letter_with_a_relative_link_is_refused_when_saved(login_as, session, href):
    c = login_as("coordinator")
    campaign = session.get(Campaign, make_letter(session).campaign_id)
    body = f"We urge you. See [our report]({href})."
    response = c.post(f"/campaigns/{campaign.slug}/letters/new", data=_form(body=body))
    assert response.status_code == 400
    assert "Links must be full web addresses" in response.get_data(as_text=True)
    assert session.query(Letter).filter(Letter.body == body).count() == 0


def test_edits_are_checked_too_and_full_addresses_pass(login_as, session):
    c = login_as("coordinator")
    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}/edit"
    refused = c.post(url, data=_form(body="See [this](report.pdf)."))
    assert refused.status_code == 400
    fine = "See [this](https://example.org/r.pdf), <https://x.example> and [us](mailto:a@b.org)."
    assert c.post(url, data=_form(body=fine)).status_code == 302


def _urls(pdf: bytes, tmp_path) -> str:
    """Every URL in the PDF's objects (poppler's pdfinfo -url)."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfinfo", "-url", str(path)], capture_output=True, text=True, check=True
    )
    return result.stdout


@needs_poppler
def test_the_pdf_never_links_into_the_server(tmp_path):
    """A letter saved before the rule: its relative link keeps its words, unlinked."""
    body = "See [our report](/static/report.pdf) and [the law](https://example.org/law)."
    pdf = render_pdf(make_snapshot(body_markdown=body), static_dir=STATIC, upload_store=None)
    urls = _urls(pdf, tmp_path)
    assert "https://example.org/law" in urls
    assert "file:" not in urls and "report.pdf" not in urls
