"""The review queue on a phone (issue 14, item 10): at 390 px each sign-on is a card and
its Approve button is on screen, with no sideways scrolling."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, log_in
from tests.e2e.steps import create_open_letter

PHONE_WIDTH = 390


def _add_by_hand(page, name: str, email: str) -> None:
    page.get_by_role("link", name="Add by hand").first.click()
    page.get_by_label("Organization name").fill(name)
    page.locator("input[name=level][value=local]").check()
    page.locator("select#state").select_option("TX")
    page.get_by_label("City").fill("San Antonio")
    page.get_by_label("Signer's name").fill("María Fernanda Hernández-Villanueva")
    page.get_by_label("Signer's title").fill("Directora de Organización Comunitaria")
    page.get_by_label("Signer's email (optional: no email is sent)").fill(email)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r".*/signons/new$"))


def test_the_review_queue_fits_a_phone(server, new_page):
    desk = new_page()
    log_in(desk, server.url, "coordinator@example.org")
    create_open_letter(desk, server.url, "Phone review campaign", "Review on a phone")
    desk.get_by_role("link", name="Review sign-ons").click()
    review_url = desk.url
    names = [
        "Coalición de Derechos Humanos de San Antonio y el Valle del Río Grande",
        "Organización Comunitaria para la Justicia Migratoria",
    ]
    for i, name in enumerate(names):  # long names and addresses, as real ones are
        desk.goto(review_url)
        _add_by_hand(desk, name, f"maria.fernanda.villanueva.{i}@coalicion-derechos.example.org")

    phone = new_page(phone=True)
    log_in(phone, server.url, "coordinator@example.org")
    phone.goto(review_url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    approve = phone.get_by_role("button", name="Approve", exact=True)
    assert approve.count() == 2
    for i in range(2):
        box = approve.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box
        assert box["height"] >= 24  # WCAG 2.5.8 target size
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "review-queue-390.png"), full_page=True)
    approve.first.scroll_into_view_if_needed()
    approve.first.click()
    expect(phone.get_by_text("approved", exact=False).first).to_be_visible()
    assert phone.get_by_role("button", name="Approve", exact=True).count() == 1
