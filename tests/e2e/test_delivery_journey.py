"""Print & send in a browser: the PDF made by the background worker, downloaded, then sent."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.servers import demo_server


@pytest.fixture(scope="module")
def print_server(tmp_path_factory):
    """The demo data, and renders of more than 5 signatories left to the worker process."""
    with demo_server(
        tmp_path_factory.mktemp("e2e-delivery"),
        coordinator="printer@example.org",
        password=PASSWORD,
        extra_env={
            "CAMPAIGN_LOGIN_RATE_LIMIT": "1000 per minute",
            "CAMPAIGN_RENDER_INLINE_MAX": "5",
        },
    ) as srv:
        yield srv


def test_coordinator_makes_downloads_and_sends_the_pdf(print_server, new_page):
    page = new_page()
    log_in(page, print_server.url, "printer@example.org")
    page.goto(print_server.url + "/campaigns/end-287g")
    page.get_by_role("link", name="End the 287(g) program").first.click()
    page.get_by_role("link", name="Print & send").click()
    page.get_by_role("button", name="Make PDF").click()
    # 12 signatories > 5: the worker renders it while the page refreshes itself
    expect(page.get_by_text("In progress").first).to_be_visible()
    download_link = page.get_by_role("link", name="Download PDF")
    download_link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        download_link.click()
    draft = Path(info.value.path()).read_bytes()
    assert draft.startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")

    page.get_by_label("Recipients").fill("Office of the Secretary, DHS")
    page.get_by_label("Delivery method").select_option("email")
    page.get_by_role("button", name="Mark as sent").click()
    # the confirmation step says what it will do, then its own button marks it sent
    asking = re.compile(r"^Mark as sent with \d+ organizations\?$")
    page.get_by_role("heading", name=asking).wait_for()
    page.get_by_role("button", name="Mark as sent").click()
    page.get_by_role("heading", name="Delivered").wait_for()
    sha = re.search(r"sha256 ([0-9a-f]{64})", page.content()).group(1)
    with page.expect_download() as info:
        page.locator("table").get_by_role("link", name="Download PDF").click()
    sent = Path(info.value.path()).read_bytes()
    assert sent.startswith(b"%PDF")
    assert hashlib.sha256(sent).hexdigest() == sha
