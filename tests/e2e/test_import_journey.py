"""A coordinator imports two of ICE's workbooks through the upload form and reads the difference."""

import re

from playwright.sync_api import expect

from campaign.config import ROOT
from tests.e2e.conftest import log_in

DATA = ROOT / "campaign" / "demo_data" / "ice-287g"


def _import(page, base_url, name):
    page.goto(base_url + "/agencies/import")
    page.get_by_label("ICE workbook (.xlsx)").set_input_files(str(DATA / name))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r".*/agencies/snapshots/\d+$"))


def _stat(page, label):
    box = page.locator(".border", has=page.get_by_text(label, exact=True))
    return int(box.locator(".stat").inner_text().replace(",", ""))


def test_import_two_releases_and_see_the_difference(server, new_page):
    page = new_page()
    log_in(page, server.url, "coordinator@example.org")
    _import(page, server.url, "participating-2025-05-16.xlsx")
    assert _stat(page, "new agreements") > 500
    _import(page, server.url, "participating-2026-03-02.xlsx")
    assert _stat(page, "new agreements") == 967
    assert _stat(page, "no longer listed") == 39
    expect(page.get_by_text("No longer listed (39)")).to_be_visible()
    page.get_by_text("No longer listed (39)").click()  # a <details> list, folded when long
    expect(page.locator("details[open] li").first).to_be_visible()
    expect(page.get_by_text("Lake Clarke Shores", exact=False).first).to_be_visible()
    # a member can read the agency list but not import
    member = new_page(phone=True)
    log_in(member, server.url, "member@example.org")
    assert member.goto(server.url + "/agencies/import").status == 403
    member.goto(server.url + "/agencies?state=FL")
    expect(member.get_by_text("Arcadia Police Department").first).to_be_visible()
