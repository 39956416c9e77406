"""The pictures of the user guide (docs/), taken from the app as it is: each run of the
browser tests makes them again, desktop (1280 px wide) and phone (390 px), as small
palette PNGs. The guide's Markdown names each file; the test fails if one it names was
not made, so the guide and the app cannot drift apart.

They are written into docs/img/ when CAMPAIGN_UPDATE_GUIDE=1 (then commit them), else
into test-artifacts/guide/: a plain test run leaves the checkout clean (pictures with
today's dates would otherwise change in every checkout that runs the suite, and block
its next ``git merge``).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from campaign.config import ROOT
from tests.e2e.a11y import ACCOUNTS, LETTER_SLUG, context, demo_site
from tests.e2e.conftest import log_in
from tests.e2e.steps import confirm_link, wait_for_mail

DOCS = ROOT / "docs"
IMG = (
    DOCS / "img"
    if os.environ.get("CAMPAIGN_UPDATE_GUIDE") == "1"
    else ROOT / "test-artifacts" / "guide"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory, mailbox):
    with demo_site(tmp_path_factory.mktemp("e2e-guide"), mailbox) as srv:
        yield srv


def shoot(page, name: str, *, locator=None) -> None:
    """The viewport (or one element) as a palette PNG in docs/img/``name``.png."""
    page.wait_for_load_state()
    raw = locator.screenshot() if locator is not None else page.screenshot()
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    IMG.mkdir(parents=True, exist_ok=True)
    small.save(IMG / f"{name}.png", optimize=True)


def signer_steps(site, browser, mailbox, lang: str, phone: bool) -> None:
    suffix = f"{'-es' if lang == 'es' else ''}{'-phone' if phone else ''}"
    email = f"guide-{lang}-{'phone' if phone else 'desktop'}@example.org"
    with context(browser, lang, phone=phone) as ctx:
        page = ctx.new_page()
        page.goto(f"{site.url}/sign/{LETTER_SLUG}")
        shoot(page, f"signer-1-letter{suffix}")
        form = page.locator(f"form[action$='/sign/{LETTER_SLUG}']")
        form.scroll_into_view_if_needed()
        page.locator("#org_name").fill("Centro de Trabajadores Unidos")
        page.locator("input[name=level][value=local]").check()
        page.locator("select#state").select_option("TX")
        page.locator("#city").fill("El Paso")
        page.locator("#org_name").scroll_into_view_if_needed()
        shoot(page, f"signer-2-form{suffix}")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        shoot(page, f"signer-3-errors{suffix}")
        page.locator("#signer_name").fill("María López")
        page.locator("#signer_title").fill("Coordinadora")
        page.locator("#signer_email").fill(email)
        page.locator("#authorized").check()
        page.locator("input[name=authority]").first.check()  # executive director or equivalent
        page.locator("input[name=listing]").first.check()
        before = len(mailbox.messages)
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/thanks$"))
        shoot(page, f"signer-4-thanks{suffix}")
        page.goto(confirm_link(wait_for_mail(mailbox, email, before, page)))
        shoot(page, f"signer-5-confirm{suffix}")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        shoot(page, f"signer-6-confirmed{suffix}")


def staff_steps(site, browser) -> None:
    coordinator, member, admin = (email for email, _, _ in ACCOUNTS)
    with context(browser) as ctx:
        page = ctx.new_page()
        page.goto(f"{site.url}/login")
        shoot(page, "coordinator-1-login")
        log_in(page, site.url, coordinator)
        page.goto(f"{site.url}/campaigns/end-287g")
        shoot(page, "coordinator-2-campaign")
        page.get_by_role("link", name="New letter").click()
        shoot(page, "coordinator-3-new-letter")
        page.goto(f"{site.url}/campaigns/end-287g")
        page.get_by_role("link", name="End the 287(g) program").first.click()
        shoot(page, "coordinator-4-letter")
        letter_url = page.url
        page.get_by_role("link", name=re.compile("^Review")).first.click()
        shoot(page, "coordinator-5-review")
        page.locator("table a").first.click()
        shoot(page, "coordinator-6-signon")
        page.goto(letter_url + "/delivery")
        shoot(page, "coordinator-7-print")
        page.goto(f"{site.url}/campaigns/end-287g/dashboard")
        shoot(page, "coordinator-8-dashboard")
    with context(browser) as ctx:
        page = ctx.new_page()
        log_in(page, site.url, member)
        page.goto(f"{site.url}/campaigns/end-287g/demands")
        shoot(page, "member-1-demands")
        page.locator("table a").first.click()
        shoot(page, "member-2-demand")
        page.get_by_role("link", name=re.compile("Log a response")).first.click()
        shoot(page, "member-3-response")
        page.goto(f"{site.url}/evidence")
        shoot(page, "member-4-evidence")
        page.goto(f"{site.url}/directory")
        shoot(page, "member-5-directory")
    with context(browser) as ctx:
        page = ctx.new_page()
        log_in(page, site.url, admin)
        page.goto(f"{site.url}/admin/users")
        shoot(page, "admin-1-users")
        page.goto(f"{site.url}/admin/users/new")
        shoot(page, "admin-2-new-user")
        page.goto(f"{site.url}/settings/coalition")
        shoot(page, "admin-3-coalition")
        page.goto(f"{site.url}/audit")
        shoot(page, "admin-4-audit")


def named_in_guide() -> set[str]:
    names = set()
    for md in DOCS.glob("*.md"):
        names |= set(re.findall(r"\(img/([\w.-]+)\.png\)", md.read_text()))
    return names


def test_the_guide_pictures(site, browser, mailbox):
    started = {p.name: p.stat().st_mtime for p in IMG.glob("*.png")} if IMG.is_dir() else {}
    # Spanish pictures from a browser that asks for Spanish (the app answers in English
    # until its Spanish catalogue exists)
    for lang in ("en", "es"):
        for phone in (False, True):
            signer_steps(site, browser, mailbox, lang, phone)
    staff_steps(site, browser)
    made = {p.stem for p in IMG.glob("*.png") if p.stat().st_mtime != started.get(p.name)}
    missing = named_in_guide() - made
    assert not missing, f"the guide shows pictures no test made: {sorted(missing)}"
    total = sum(p.stat().st_size for p in IMG.glob("*.png"))
    print(f"\n[guide] {len(made)} pictures, {total / 1024:.0f} KiB in {IMG.relative_to(ROOT)}/")
    assert total < 5 * 1024 * 1024


def test_every_guide_picture_exists_and_the_readme_links_the_guide():
    for name in named_in_guide():
        assert (DOCS / "img" / f"{name}.png").is_file(), name
    assert "docs/README.md" in (ROOT / "README.md").read_text()
    assert Path(DOCS / "README.md").is_file()
