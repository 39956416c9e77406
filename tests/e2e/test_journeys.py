"""Journeys through the real app in a real browser."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_coordinator_creates_a_campaign(server, new_page):
    page = new_page()
    log_in(page, server.url, "coordinator@example.org")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Stop 287(g) in Georgia")
    page.get_by_label("Description").fill("Agencies in Georgia with 287(g) agreements.")
    page.get_by_role("button", name="Create campaign").click()
    page.wait_for_url(re.compile(r".*/campaigns/stop-287g-in-georgia$"))
    expect(page.get_by_role("heading", name="Stop 287(g) in Georgia")).to_be_visible()


def test_member_sees_no_admin_navigation_and_gets_403(server, new_page):
    page = new_page(phone=True)
    log_in(page, server.url, "member@example.org")
    assert page.get_by_role("link", name="Accounts").count() == 0
    response = page.goto(server.url + "/admin/users")
    assert response.status == 403
    expect(page.get_by_text("Your account is not allowed to do this.")).to_be_visible()


def test_admin_creates_an_account_that_can_log_in(server, new_page):
    admin = new_page()
    log_in(admin, server.url, "admin@example.org")
    admin.goto(server.url + "/admin/users/new")
    admin.get_by_label("Email").fill("new.member@example.org")
    admin.get_by_label("Name").fill("New Member")
    admin.get_by_label("Role").select_option("member")
    admin.get_by_label("Initial password").fill("brand new password")
    admin.get_by_role("button", name="Create account").click()
    admin.wait_for_url(re.compile(r".*/admin/users$"))
    expect(admin.get_by_role("cell", name="new.member@example.org")).to_be_visible()
    other = new_page(phone=True)
    log_in(other, server.url, "new.member@example.org", "brand new password")
    expect(other.get_by_role("heading", name="Campaigns")).to_be_visible()
