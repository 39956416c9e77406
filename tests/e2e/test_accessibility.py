"""WCAG 2.2 AA, measured (issue 18): axe-core in Chromium over every public page in each
state it can be in, in each language, and over the main staff pages: 0 violations of the
WCAG 2.0/2.1/2.2 A and AA rules. Each test prints how many combinations it checked.

The public pages are walked through the life of the demo letter: open (the empty form,
each kind of refusal, thanks, the confirmation link pending, confirmed, expired, a link
sent again, a bad link), closed, delivered and collecting for an addendum, delivered and
no longer collecting.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from campaign.db import utcnow
from campaign.directory.invitations import UNSUBSCRIBE_SALT, serializer
from tests.e2e.a11y import COORDINATOR, LANGS, LETTER_SLUG, Audit, context, demo_site, execute
from tests.e2e.conftest import log_in
from tests.e2e.steps import confirm_link, wait_for_mail


@pytest.fixture(scope="module")
def site(tmp_path_factory, mailbox):
    with demo_site(tmp_path_factory.mktemp("e2e-a11y"), mailbox) as srv:
        yield srv


def sign_form(page):
    return page.locator(f"form[action$='/sign/{LETTER_SLUG}']")


def fill_valid(page, *, email: str) -> None:
    """A complete sign-on (by field ids: the labels change with the language)."""
    page.locator("#org_name").fill(f"Accessible Org {email.split('@')[0]}")
    page.locator("input[name=level][value=local]").check()
    page.locator("select#state").select_option("TX")
    page.locator("#city").fill("El Paso")
    page.locator("#signer_name").fill("Rosa Martínez")
    page.locator("#signer_title").fill("Directora")
    page.locator("#signer_email").fill(email)
    page.locator("#authorized").check()
    page.locator("input[name=authority]").first.check()  # executive director or equivalent


def submit(page) -> None:
    sign_form(page).locator("button[type=submit]").click()
    page.wait_for_load_state()


def pending_link(page, base: str, mailbox, email: str) -> str:
    """Sign on as ``email``; the confirmation link from the mail it gets."""
    before = len(mailbox.messages)
    page.goto(f"{base}/sign/{LETTER_SLUG}")
    fill_valid(page, email=email)
    submit(page)
    page.wait_for_url(re.compile(r".*/thanks$"))
    return confirm_link(wait_for_mail(mailbox, email, before, page))


def open_letter_states(audit: Audit, page, srv, mailbox, lang: str) -> dict[str, str]:
    """Every state of the public pages while the letter is open; links kept for later."""
    base, sign = srv.url, f"{srv.url}/sign/{LETTER_SLUG}"
    tag = f"· {lang}"
    page.goto(sign)
    if lang != "en":
        assert page.locator("html").get_attribute("lang") == lang
    audit.check(page, f"sign · open · empty form {tag}")

    submit(page)  # nothing filled in
    assert page.locator("#error-summary").count() == 1
    audit.check(page, f"sign · open · required fields missing {tag}")

    page.locator("#org_name").fill("Accessible Org")
    page.locator("#signer_email").fill("not an address")
    page.locator("#website").fill("not a web address")
    page.locator("#logo").set_input_files(
        files=[{"name": "logo.txt", "mimeType": "text/plain", "buffer": b"not an image"}]
    )
    submit(page)
    assert page.locator("#error-summary a").count() >= 3
    audit.check(page, f"sign · open · invalid email, website and logo {tag}")

    fill_valid(page, email=f"thanks-{lang}@example.org")
    page.locator("#signer_email").fill(f"thanks-{lang}@example.org")
    page.locator("#website").fill("")
    page.locator("#logo").set_input_files(files=[])
    before = len(mailbox.messages)
    submit(page)
    page.wait_for_url(re.compile(r".*/thanks$"))
    audit.check(page, f"thanks {tag}")

    link = confirm_link(wait_for_mail(mailbox, f"thanks-{lang}@example.org", before, page))
    page.goto(link)
    audit.check(page, f"confirm · pending {tag}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    audit.check(page, f"confirm · confirmed {tag}")

    page.goto(f"{sign}/confirm/not-a-real-token")
    audit.check(page, f"confirm · unknown link {tag}")

    expired = pending_link(page, base, mailbox, f"expired-{lang}@example.org")
    execute(
        srv,
        "UPDATE sign_ons SET token_expires_at = :past WHERE signer_email = :email",
        past=utcnow() - timedelta(days=1),
        email=f"expired-{lang}@example.org",
    )
    page.goto(expired)
    audit.check(page, f"confirm · expired link {tag}")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    audit.check(page, f"confirm · new link sent {tag}")

    page.goto(f"{base}/sign/no-such-letter")
    audit.check(page, f"not found {tag}")

    contact = execute(srv, "SELECT id FROM contacts ORDER BY id LIMIT 1")[0][0]
    # each language's pass unsubscribes the same contact: subscribed again for this one
    execute(srv, "UPDATE contacts SET unsubscribed_at = NULL WHERE id = :id", id=contact)
    token = serializer("server-test-secret", UNSUBSCRIBE_SALT).dumps(contact)
    page.goto(f"{base}/unsubscribe/{token}")
    audit.check(page, f"unsubscribe {tag}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    audit.check(page, f"unsubscribe · done {tag}")

    page.goto(f"{base}/login")
    audit.check(page, f"login {tag}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    audit.check(page, f"login · refused {tag}")

    # links confirmed later, once the letter is closed, and once it is delivered
    return {
        "closed": pending_link(page, base, mailbox, f"late-{lang}@example.org"),
        "frozen": pending_link(page, base, mailbox, f"frozen-{lang}@example.org"),
    }


def letter_id(srv) -> int:
    return execute(srv, "SELECT id FROM letters WHERE slug = :s", s=LETTER_SLUG)[0][0]


def mark_sent(page, srv) -> None:
    """As the coordinator: Make PDF, then Mark as sent (the letter keeps collecting)."""
    delivery = f"{srv.url}/campaigns/end-287g/letters/{letter_id(srv)}/delivery"
    page.goto(delivery)
    with page.expect_download(timeout=90_000):  # a short list is made at once, and sent
        page.get_by_role("button", name="Make PDF").click()
    page.goto(delivery)
    page.get_by_label("Recipients").fill("Office of the Secretary, DHS")
    page.get_by_label("Delivery method").select_option("email")
    page.get_by_role("button", name="Mark as sent").click()
    page.get_by_role("button", name="Mark as sent").click()
    page.get_by_role("heading", name="Delivered").wait_for()


def stop_collecting(page, srv) -> None:
    page.goto(f"{srv.url}/campaigns/end-287g/letters/{letter_id(srv)}/delivery/stop")
    page.get_by_role("button", name="Stop collecting for good").click()
    page.wait_for_load_state()


def embargo(page, srv, *, cancel: bool = False) -> None:
    """As the coordinator: put the letter under embargo until a press launch, or lift it."""
    letter = f"{srv.url}/campaigns/end-287g/letters/{letter_id(srv)}"
    if cancel:
        page.goto(letter)
        page.get_by_role("button", name=re.compile("^Cancel the embargo")).click()
        page.wait_for_load_state()
        return
    page.goto(f"{letter}/embargo")
    page.get_by_label("Release date").fill((utcnow() + timedelta(days=30)).date().isoformat())
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_role("button", name="Embargo", exact=True).click()
    page.wait_for_load_state()


def test_every_public_page_in_every_state_and_language(site, browser, mailbox):
    audit = Audit()
    sign = f"{site.url}/sign/{LETTER_SLUG}"
    links = {}
    # under embargo first: no count, no list, the release date told (issue 20)
    with context(browser) as ctx:
        staff = ctx.new_page()
        log_in(staff, site.url, COORDINATOR)
        embargo(staff, site)
    for lang in LANGS:
        with context(browser, lang) as ctx:
            page = ctx.new_page()
            page.goto(sign)
            assert page.locator("meta[name=robots][content*=noindex]").count() == 1
            audit.check(page, f"sign · embargoed · empty form · {lang}")
            submit(page)
            audit.check(page, f"sign · embargoed · required fields missing · {lang}")
            page.goto(sign)
            fill_valid(page, email=f"embargoed-{lang}@example.org")
            submit(page)
            page.wait_for_url(re.compile(r".*/thanks$"))
            audit.check(page, f"thanks · embargoed · {lang}")
    with context(browser) as ctx:
        staff = ctx.new_page()
        log_in(staff, site.url, COORDINATOR)
        embargo(staff, site, cancel=True)
    assert execute(site, "SELECT count(*) FROM letter_embargoes e JOIN letters l ON "
                   "l.id = e.letter_id WHERE l.slug = :s AND e.cancelled_at IS NULL",
                   s=LETTER_SLUG)[0][0] == 0  # fmt: skip
    for lang in LANGS:
        with context(browser, lang) as ctx:
            links[lang] = open_letter_states(audit, ctx.new_page(), site, mailbox, lang)

    execute(site, "UPDATE letters SET status = 'closed' WHERE slug = :s", s=LETTER_SLUG)
    for lang in LANGS:
        with context(browser, lang) as ctx:
            page = ctx.new_page()
            page.goto(sign)
            audit.check(page, f"sign · closed · {lang}")
            page.goto(links[lang]["closed"])
            audit.check(page, f"confirm · pending on a closed letter · {lang}")

    with context(browser) as ctx:
        staff = ctx.new_page()
        log_in(staff, site.url, COORDINATOR)
        mark_sent(staff, site)
    for lang in LANGS:
        with context(browser, lang) as ctx:
            page = ctx.new_page()
            page.goto(sign)
            audit.check(page, f"sign · delivered, collecting for an addendum · {lang}")
            submit(page)
            audit.check(page, f"sign · delivered, collecting · required fields missing · {lang}")

    with context(browser) as ctx:
        staff = ctx.new_page()
        log_in(staff, site.url, COORDINATOR)
        stop_collecting(staff, site)
    for lang in LANGS:
        with context(browser, lang) as ctx:
            page = ctx.new_page()
            page.goto(sign)
            audit.check(page, f"sign · delivered, no longer collecting · {lang}")
            page.goto(links[lang]["frozen"])
            audit.check(page, f"confirm · pending on a delivered letter · {lang}")

    audit.verdict("public page × state × language combinations")


def staff_pages(srv) -> list[tuple[str, str]]:
    """The main staff pages of the demo, by name."""
    one = lambda sql: execute(srv, sql)[0][0]  # noqa: E731
    letter = letter_id(srv)
    signon = one(f"SELECT id FROM sign_ons WHERE letter_id = {letter} ORDER BY id LIMIT 1")
    demand = one("SELECT id FROM demands ORDER BY id LIMIT 1")
    evidence = one("SELECT id FROM evidence_records ORDER BY id LIMIT 1")
    org = one("SELECT id FROM organizations ORDER BY id LIMIT 1")
    campaign = "/campaigns/end-287g"
    pages = [
        ("campaigns", "/campaigns"),
        ("campaign", campaign),
        ("letter", f"{campaign}/letters/{letter}"),
        ("review list", f"{campaign}/letters/{letter}/signons"),
        ("sign-on", f"{campaign}/letters/{letter}/signons/{signon}"),
        ("Print & send", f"{campaign}/letters/{letter}/delivery"),
        ("demand list", f"{campaign}/demands"),
        ("demand", f"{campaign}/demands/{demand}"),
        ("evidence list", "/evidence"),
        ("evidence record", f"/evidence/{evidence}"),
        ("responses", f"{campaign}/responses"),
        ("dashboard", f"{campaign}/dashboard"),
        ("directory", "/directory"),
        ("directory organization", f"/directory/{org}"),
        ("worklist", "/todo"),
    ]
    response = execute(srv, "SELECT id FROM responses ORDER BY id LIMIT 1")
    if response:
        pages.append(("response", f"{campaign}/responses/{response[0][0]}"))
    return pages


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_main_staff_pages(site, browser, phone):
    audit = Audit()
    with context(browser, phone=phone) as ctx:
        page = ctx.new_page()
        log_in(page, site.url, COORDINATOR)
        for name, path in staff_pages(site):
            response = page.goto(site.url + path)
            assert response is not None and response.status == 200, (name, path)
            audit.check(page, f"{name} · {'phone' if phone else 'desktop'}")
    audit.verdict("staff pages")


def test_the_dashboard_charts_and_map_are_read_by_screen_readers(site, browser):
    """The sign-ons chart has a table of its figures, the state map a name per state
    tile (its category in words), both in the accessibility tree a screen reader reads."""
    with context(browser) as ctx:
        page = ctx.new_page()
        log_in(page, site.url, COORDINATOR)
        page.goto(f"{site.url}/campaigns/end-287g/dashboard")
        tree = page.locator("main").aria_snapshot()
        chart = page.locator("figure.chart").first
        table = chart.get_by_role("table")
        assert table.count() == 1  # visually hidden, not hidden from screen readers
        assert table.get_by_role("row").count() >= 3  # a header, days, the total
        assert "- table" in tree and "Total" in tree
        tiles = page.locator("figure.chart-map [data-state]")
        assert tiles.count() >= 50
        for i in range(tiles.count()):
            label = tiles.nth(i).get_attribute("aria-label")
            assert label and ": " in label, label  # "Texas: awaiting a response"
        assert re.search(r"(link|img) \"Texas: ", tree)
