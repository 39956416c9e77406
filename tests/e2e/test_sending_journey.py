"""Issue 17 in a browser: a coordinator adds a DHS office with an email address, checks it,
emails the letter to it from Print & send, and sees the receipt the SMTP server gave,
while the office's mailbox (a real SMTP server) holds the very PDF that was frozen."""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in
from tests.servers import demo_server

OFFICE = "Office for Civil Rights and Civil Liberties"
DESK = "crcl-desk@dhs.example"


@pytest.fixture(scope="module")
def demo_with_mail(tmp_path_factory, mailbox):
    """The demo data (its letter has 12 approved signatories) and a worker that mails."""
    with demo_server(
        tmp_path_factory.mktemp("e2e-sending"),
        coordinator="sender@example.org",
        password=PASSWORD,
        smtp=(mailbox.host, mailbox.port),
        extra_env={"CAMPAIGN_LOGIN_RATE_LIMIT": "1000 per minute"},
    ) as srv:
        yield srv


def _mail_to(mailbox, address: str, page, timeout_s: int = 30):
    for _ in range(timeout_s * 5):
        mine = [m for m in mailbox.messages if m["To"] and address in m["To"]]
        if mine:
            return mine
        page.wait_for_timeout(200)
    raise AssertionError(f"no mail to {address}")


def test_coordinator_emails_the_letter_to_a_checked_address_and_keeps_the_receipt(
    demo_with_mail, mailbox, new_page
):
    page = new_page()
    log_in(page, demo_with_mail.url, "sender@example.org")
    # the main navigation holds on one line on a laptop screen (it used to wrap at 1280 px)
    assert page.get_by_role("navigation", name="Main navigation").bounding_box()["height"] < 64

    # 1. the office and its address, checked by a person
    page.get_by_role("link", name="Targets", exact=True).click()
    page.get_by_role("link", name="Add a target").click()
    page.get_by_label("Name").fill(OFFICE)
    page.get_by_label("Body").select_option("crcl")
    page.get_by_label("Organization").fill("U.S. Department of Homeland Security")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=OFFICE)).to_be_visible()
    page.get_by_text("Add a channel").click()
    page.get_by_label("Kind").select_option("email")
    page.get_by_label("Address").fill(DESK.upper())  # stored lower-cased
    page.get_by_role("button", name="Add the channel").click()
    expect(page.get_by_text(DESK)).to_be_visible()
    page.get_by_label("How was it checked?").fill("Called the number on dhs.gov; desk confirmed")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".channel-verified")).to_have_text("Verified")
    target_url = page.url

    # 2. Print & send → Send by email, to that office alone
    page.goto(demo_with_mail.url + "/campaigns/end-287g")
    page.get_by_role("link", name="End the 287(g) program").first.click()
    letter_url = page.url
    page.get_by_role("link", name="Print & send").click()
    page.get_by_role("link", name="Send by email").first.click()
    for box in page.locator("#targets input[type=checkbox]").all():
        box.uncheck()
    page.get_by_label(re.compile("^" + re.escape(OFFICE) + r" \(U\.S\.")).check()
    page.get_by_role("button", name="Check the recipients…").click()
    expect(page.locator("#recipients li")).to_have_count(1)
    expect(page.locator("#recipients")).to_contain_text(DESK)
    page.get_by_role("button", name="Send 1 message").click()
    page.get_by_role("heading", name="Delivered").wait_for()
    frozen_sha = re.search(r"sha256 ([0-9a-f]{64})", page.content()).group(1)

    # 3. the office's mailbox holds one message with the frozen PDF, byte for byte
    (message,) = _mail_to(mailbox, DESK, page)
    attachments = list(message.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    assert hashlib.sha256(attachments[0].get_content()).hexdigest() == frozen_sha
    assert "End the 287(g) program" in message["Subject"]

    # 4. the receipt: the server's own reply, on the target's page
    page.goto(target_url)
    for _ in range(50):
        if page.locator(".receipts .badge", has_text="Accepted").count():
            break
        page.wait_for_timeout(300)
        page.reload()
    receipt = page.locator(".receipts tbody tr").first
    expect(receipt).to_contain_text(DESK)
    expect(receipt).to_contain_text("250")
    expect(receipt).to_contain_text(frozen_sha)

    # 5. the letter says whom it was addressed to
    page.goto(letter_url)
    expect(page.locator("#letter-targets")).to_contain_text(OFFICE)
    expect(page.locator("#letter-targets").get_by_role("link", name=re.compile(OFFICE))) \
        .to_have_attribute("href", re.compile(r"/targets/\d+$"))  # fmt: skip
