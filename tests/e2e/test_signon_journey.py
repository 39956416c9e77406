"""The heart of the product in a browser: a letter opened, signed on a phone, confirmed."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.steps import confirm_link, create_open_letter, sign_on, wait_for_mail


def test_letter_opened_signed_on_a_phone_and_confirmed(server, mailbox, new_page):
    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    public_url = create_open_letter(
        coordinator, server.url, "End 287(g) in Florida", "Terminate Florida's 287(g) agreements"
    )

    signer = new_page(phone=True)
    before = len(mailbox.messages)
    sign_on(signer, public_url, org="Coalición de Derechos Humanos", state="FL",
            name="Ana Pérez", email="ana@example.org")  # fmt: skip

    message = wait_for_mail(mailbox, "ana@example.org", before, signer)
    signer.goto(confirm_link(message))
    signer.get_by_role("button", name="Confirm").click()
    expect(signer.get_by_text(re.compile("confirmed", re.I)).first).to_be_visible()

    coordinator.reload()
    # confirmed: signed, awaiting the coordinator's review before it is on the letter
    assert coordinator.locator("#on-letter-count").inner_text().strip() == "0"
    expect(coordinator.get_by_text("1 awaiting review")).to_be_visible()
