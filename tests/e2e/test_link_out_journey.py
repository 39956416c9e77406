"""Getting the link out in a real browser: a draft previewed with its form, published by
its own button, and the public link copied with the copy button (or selected by hand
when JavaScript is off).

Set CAMPAIGN_SHOTS_DIR to keep screenshots of each page for a look.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def _shot(page, name: str) -> None:
    folder = os.environ.get("CAMPAIGN_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _draft(page, base_url: str) -> str:
    page.goto(base_url + "/campaigns")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Link out")
    page.get_by_role("button", name="Create campaign").click()
    page.get_by_role("link", name="New letter").click()
    page.get_by_label("Title").fill("End ICE's 287(g) agreements now")
    page.get_by_label("Addressees").fill("The Honorable Secretary of Homeland Security")
    page.get_by_label("Text", exact=True).fill("We urge you to end the 287(g) program.")
    page.get_by_label("Sign-on deadline: date").fill(
        (date.today() + timedelta(days=10)).isoformat()
    )
    page.get_by_role("button", name="Save draft").click()
    return page.url


def test_preview_publish_and_copy_the_link(server, browser, new_page):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    log_in(page, server.url, "coordinator@example.org")
    letter_url = _draft(page, server.url)
    expect(page.get_by_text("Publishing opens its public page")).to_be_visible()
    _shot(page, "letter-draft")

    page.get_by_role("link", name="Preview the page signers will see").click()
    expect(page.locator("#preview-banner")).to_be_visible()
    expect(page.get_by_label("Organization name")).to_be_visible()
    assert page.get_by_role("button", name="Sign on").is_disabled()
    _shot(page, "preview-draft")

    page.goto(letter_url)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published").first).to_be_visible()
    link = page.locator("#share-link")
    assert re.search(r"/sign/end-ices-287g-agreements-now$", link.input_value())
    assert "11:59 PM" in page.locator("#share-text").input_value()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#share-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()
    page.get_by_role("button", name="Copy text").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith("Will your organization")
    _shot(page, "letter-open-share")

    # Without JavaScript: no copy buttons, the link still there to select.
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        log_in(plain, server.url, "coordinator@example.org")
        plain.goto(letter_url)
        expect(plain.locator("#share-link")).to_be_visible()
        assert plain.get_by_role("button", name="Copy link").count() == 0
        plain.locator("#share-link").select_text()
        selected = plain.evaluate(
            "(() => { const f = document.getElementById('share-link');"
            " return f.value.substring(f.selectionStart, f.selectionEnd); })()"
        )
        assert selected.endswith("/sign/end-ices-287g-agreements-now")
        _shot(plain, "letter-open-share-nojs")
    finally:
        context.close()
