"""The heart of the product in a browser: a letter opened, signed on a phone, confirmed."""

import re
from datetime import date, timedelta

from tests.e2e.conftest import log_in

LINK = re.compile(r"https?://\S+/confirm/\S+")


def _wait_for_mail(mailbox, to, count_before, page, timeout_s=20):
    for _ in range(timeout_s * 5):
        mine = [m for m in mailbox.messages[count_before:] if m["To"] == to]
        if mine:
            return mine[-1]
        page.wait_for_timeout(200)
    raise AssertionError(f"no mail to {to}")


def test_letter_opened_signed_on_a_phone_and_confirmed(server, mailbox, new_page):
    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    coordinator.get_by_role("link", name="New campaign").click()
    coordinator.get_by_label("Name").fill("End 287(g) in Florida")
    coordinator.get_by_role("button", name="Create campaign").click()
    coordinator.get_by_role("link", name="New letter").click()
    coordinator.get_by_label("Title").fill("Terminate Florida's 287(g) agreements")
    coordinator.get_by_label("Addressees").fill("The Honorable Secretary of Homeland Security")
    coordinator.get_by_label("Text", exact=True).fill(
        "We urge you to end the 287(g) program.[^1]\n\n[^1]: ICE, participating agencies."
    )
    coordinator.get_by_label("Sign-on deadline: date").fill(
        (date.today() + timedelta(days=10)).isoformat()
    )
    coordinator.get_by_label("Time", exact=True).fill("17:00")
    coordinator.get_by_role("button", name="Save draft").click()
    coordinator.get_by_label("Status").select_option("open")
    coordinator.get_by_role("button", name="Change status").click()
    public_url = coordinator.locator("a[href*='/sign/']").first.get_attribute("href")
    assert "/sign/" in public_url

    signer = new_page(phone=True)
    signer.goto(server.url + public_url if public_url.startswith("/") else public_url)
    signer.get_by_label("Organization name").fill("Coalición de Derechos Humanos")
    signer.locator("select#state").select_option("FL")
    signer.locator("input[name=level][value=state]").check()
    signer.get_by_label("Your name").fill("Ana Pérez")
    signer.get_by_label("Your title").fill("Directora")
    signer.get_by_label("Your email").fill("ana@example.org")
    signer.get_by_label("I am authorized to sign on behalf of this organization").check()
    before = len(mailbox.messages)
    signer.get_by_role("button", name="Sign on").click()
    signer.wait_for_url(re.compile(r".*/thanks$"))

    message = _wait_for_mail(mailbox, "ana@example.org", before, signer)
    link = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(0)
    signer.goto(link)
    signer.get_by_role("button", name="Confirm").click()
    assert signer.get_by_text(re.compile("confirmed", re.I)).first.is_visible()

    coordinator.reload()
    assert coordinator.locator(".stat").first.inner_text().strip() == "1"
