"""Steps shared by the browser journeys: a letter opened, a sign-on made, mail awaited."""

from __future__ import annotations

import re
from datetime import date, timedelta

CONFIRM_LINK = re.compile(r"https?://\S+/confirm/\S+")


BODY = "We urge you to end the 287(g) program.[^1]\n\n[^1]: ICE, participating agencies."


def create_open_letter(page, base_url: str, campaign: str, title: str, body: str = BODY) -> str:
    """As a logged-in coordinator: a new campaign, a new letter in it, opened; its public URL."""
    page.goto(base_url + "/campaigns")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill(campaign)
    page.get_by_role("button", name="Create campaign").click()
    page.get_by_role("link", name="New letter").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Addressees").fill("The Honorable Secretary of Homeland Security")
    page.get_by_label("Text", exact=True).fill(body)
    page.get_by_label("Sign-on deadline: date").fill(
        (date.today() + timedelta(days=10)).isoformat()
    )
    page.get_by_label("Time", exact=True).fill("17:00")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    public_url = page.locator("#share-link").input_value()
    assert "/sign/" in public_url
    return public_url


def sign_on(page, public_url: str, *, org: str, state: str, name: str, email: str) -> None:
    """Fill in and send the public sign-on form for a state-level organization."""
    page.goto(public_url)
    page.get_by_label("Organization name").fill(org)
    page.locator("select#state").select_option(state)
    page.locator("input[name=level][value=state]").check()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your title").fill("Directora")
    page.get_by_label("Your email").fill(email)
    page.get_by_label("I am authorized to sign on behalf of this organization").check()
    page.get_by_label("Executive director or equivalent").check()
    page.get_by_role("button", name="Sign on").click()
    page.wait_for_url(re.compile(r".*/thanks$"))


def wait_for_mail(mailbox, to: str, count_before: int, page, timeout_s: int = 20):
    """The newest message to ``to`` that arrived after ``count_before`` messages."""
    for _ in range(timeout_s * 5):
        mine = [m for m in mailbox.messages[count_before:] if m["To"] == to]
        if mine:
            return mine[-1]
        page.wait_for_timeout(200)
    raise AssertionError(f"no mail to {to}")


def confirm_link(message) -> str:
    """The confirmation link in a message's plain-text part."""
    return CONFIRM_LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(0)
