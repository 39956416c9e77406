"""A member logs what an agency answered; a coordinator approves it and the demand moves."""

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.demands.models import DemandStatus
from tests.demands.factories import create_demand_row
from tests.e2e.conftest import log_in


def _seed_demand(server):
    # beside the server's processes and its worker polling every 0.2 s: on a machine under
    # load a writer can hold SQLite's lock for seconds, so the seed waits longer than 5 s
    engine = make_engine(server.env["CAMPAIGN_DATABASE_URL"], busy_timeout_ms=60_000)
    with Session(engine, expire_on_commit=False) as session:
        demand = create_demand_row(
            session, status=DemandStatus.AWAITING_RESPONSE, with_evidence=True,
            title="Terminate the Collier County agreement",
        )  # fmt: skip
        from campaign.campaigns.models import Campaign

        slug = session.get(Campaign, demand.campaign_id).slug
        url = f"/campaigns/{slug}/demands/{demand.id}"
    engine.dispose()
    return url


def test_member_logs_a_response_that_a_coordinator_approves(server, new_page):
    demand_url = _seed_demand(server)
    member = new_page(phone=True)
    log_in(member, server.url, "member@example.org")
    member.goto(server.url + demand_url)
    member.get_by_role("link", name="Log a response").click()
    # "today" on the coalition's calendar (CAMPAIGN_TIMEZONE), not the machine's UTC date
    today = datetime.now(ZoneInfo("America/New_York")).date()
    member.get_by_label("Received on").fill(today.isoformat())
    member.get_by_label("How it came").select_option(label="Letter")
    member.get_by_label("Who it came from").select_option(label="The agency (named below)")
    member.get_by_label("Summary").fill("The sheriff's office agreed to meet the coalition.")
    member.get_by_label("What it means for the demand").select_option(label="Meeting scheduled")
    member.get_by_role("button", name="Save the response").click()
    expect(member.get_by_text("it waits for a coordinator's approval")).to_be_visible()

    coordinator = new_page()
    log_in(coordinator, server.url, "coordinator@example.org")
    coordinator.goto(server.url + demand_url)
    expect(
        coordinator.get_by_text("The sheriff's office agreed to meet the coalition.")
    ).to_be_visible()
    coordinator.get_by_role("link", name="Response (letter): Meeting scheduled").click()
    coordinator.get_by_role("button", name="Approve").click()
    coordinator.goto(server.url + demand_url)
    expect(coordinator.get_by_text("Meeting scheduled").first).to_be_visible()
