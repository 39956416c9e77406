"""A member turns an agency's emailed answer (.eml) into a response without retyping it;
a coordinator sees it prefilled, with the email and its PDF, and approves it."""

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.demands.models import DemandStatus
from tests.demands.factories import create_demand_row
from tests.e2e.conftest import log_in
from tests.inbound.mailgen import fixture


def _seed_demand(server):
    # beside the server's processes and its worker polling every 0.2 s: on a machine under
    # load a writer can hold SQLite's lock for seconds, so the seed waits longer than 5 s
    engine = make_engine(server.env["CAMPAIGN_DATABASE_URL"], busy_timeout_ms=60_000)
    with Session(engine, expire_on_commit=False) as session:
        demand = create_demand_row(
            session, status=DemandStatus.AWAITING_RESPONSE, with_evidence=True,
            title="Terminate the Example County agreement",
        )  # fmt: skip
        from campaign.campaigns.models import Campaign

        slug = session.get(Campaign, demand.campaign_id).slug
        url = f"/campaigns/{slug}/demands/{demand.id}"
    engine.dispose()
    return url


def test_member_uploads_an_eml_that_a_coordinator_approves(server, new_page, tmp_path: Path):
    demand_url = _seed_demand(server)
    eml = tmp_path / "Re Demand.eml"
    eml.write_bytes(fixture("gmail_reply.eml"))
    not_mail = tmp_path / "photo.eml"
    not_mail.write_bytes(b"\x89PNG\r\n\x1a\n not an email")

    member = new_page(phone=True)
    log_in(member, server.url, "member@example.org")
    member.goto(server.url + demand_url)
    member.get_by_role("link", name="From an email (.eml)").click()
    member.get_by_label("The email (.eml file)").set_input_files(str(not_mail))
    member.get_by_role("button", name="Read the email").click()
    expect(member.get_by_text("This is not an email").first).to_be_visible()
    member.get_by_label("The email (.eml file)").set_input_files(str(eml))
    member.get_by_role("button", name="Read the email").click()
    expect(member.get_by_text("waiting for a coordinator's approval")).to_be_visible()
    expect(member.get_by_text("Read from an email")).to_be_visible()

    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    coordinator.goto(server.url + demand_url)
    coordinator.get_by_role("link", name="Response (email)").first.click()
    expect(coordinator.get_by_text("Pat Roe").first).to_be_visible()
    expect(coordinator.get_by_text("review the agreement with the County Board").first) \
        .to_be_visible()  # fmt: skip
    expect(coordinator.get_by_role("link", name="Sheriff response 2026-12-02.pdf")).to_be_visible()
    expect(coordinator.locator("#sender-flag")).to_have_text("Sender not a known channel")
    coordinator.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_text("Response approved.")).to_be_visible()
