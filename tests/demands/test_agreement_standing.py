"""A demand shows its agency's agreement as ICE's latest list has it; a demand made for an
agreement ICE already dropped is created flagged "confirm termination" (issue 15, item 2)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.importer import import_workbook
from campaign.agencies.models import Agency, ImportSnapshot
from campaign.agencies.standing import standings
from campaign.demands.models import Demand, DemandEvent, DemandEventKind, DemandStatus
from campaign.demands.tracking import confirm_delisting
from tests import factories


@pytest.fixture
def lists(session):
    """Frederick County Sheriff's Office (MD) is on the 2025 list and gone from 2026-03-02's;
    Frederick County Sheriff's Office (VA) signed in 2025 and is listed."""
    for name in ("participating-2025-05-16.xlsx", "participating-2026-03-02.xlsx"):
        import_workbook(session, (ICE_DATA_DIR / name).read_bytes(), file_name=name)
    session.commit()

    def agency(state):
        return session.scalar(
            sa.select(Agency).where(
                Agency.state == state, Agency.name == "Frederick County Sheriff's Office"
            )
        )

    return {"md": agency("MD"), "va": agency("VA")}


def test_standing_labels(session, lists):
    got = standings(session, [lists["md"].id, lists["va"].id])
    assert got[lists["md"].id].label == "no longer listed since 2026-03-02"
    assert got[lists["md"].id].gone
    assert got[lists["va"].id].label == "listed, signed 2025-12-08"
    dropped_by = session.scalar(
        sa.select(ImportSnapshot.id).where(ImportSnapshot.file_name.contains("2026-03-02"))
    )
    assert got[lists["md"].id].dropped_by_snapshot_id == dropped_by


def test_a_demand_for_a_gone_agreement_warns_and_is_created_flagged(login_as, session, lists):
    c = login_as("coordinator")
    campaign = factories.create_campaign(session, actor=c.user)
    base = f"/campaigns/{campaign.slug}/demands"
    md = lists["md"]
    page = c.get(f"{base}/new?agency_id={md.id}").get_data(as_text=True)
    assert "287(g): no longer listed since 2026-03-02" in page
    assert "will be created flagged “confirm termination”" in page
    response = c.post(
        f"{base}/new",
        data={
            "agency_id": md.id, "title": "Terminate Frederick's 287(g)",
            "addressed_to": "Secretary of Homeland Security", "ask": "Terminate it.",
            "priority": "normal",
        },
        follow_redirects=True,
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert "created flagged “confirm termination”" in html
    demand = session.scalar(sa.select(Demand).where(Demand.agency_id == md.id))
    assert demand.delisted_flag and demand.status == DemandStatus.DRAFT
    assert demand.delisted_snapshot_id is not None
    assert "Agreement no longer listed: confirm termination" in html
    assert "287(g): no longer listed since 2026-03-02" in html
    kinds = session.scalars(
        sa.select(DemandEvent.kind).where(DemandEvent.demand_id == demand.id)
    ).all()
    assert DemandEventKind.FLAGGED in kinds
    # the list shows both standings
    va = lists["va"]
    c.post(
        f"{base}/new",
        data={
            "agency_id": va.id, "title": "Terminate Frederick VA", "ask": "Terminate it.",
            "addressed_to": "Secretary of Homeland Security", "priority": "normal",
        },
    )  # fmt: skip
    listing = c.get(base).get_data(as_text=True)
    assert "287(g): no longer listed since 2026-03-02" in listing
    assert "287(g): listed, signed 2025-12-08" in listing
    assert not session.scalar(sa.select(Demand).where(Demand.agency_id == va.id)).delisted_flag
    # the bulk page too
    bulk = c.get(f"{base}/bulk?q=frederick+county+sheriff").get_data(as_text=True)
    assert bulk.count("287(g): no longer listed since 2026-03-02") == 1
    assert "287(g): listed, signed 2025-12-08" in bulk
    # confirming termination of a draft withdraws it (nothing was delivered)
    confirm_delisting(session, demand, reason="Ended in 2025.", actor=c.user)
    assert demand.status == DemandStatus.WITHDRAWN and not demand.delisted_flag


def test_bulk_creation_flags_the_gone_ones(login_as, session, lists):
    c = login_as("coordinator")
    campaign = factories.create_campaign(session, actor=c.user)
    response = c.post(
        f"/campaigns/{campaign.slug}/demands/bulk",
        data={
            "scope": "matching", "q": "frederick county sheriff", "title": "Terminate {agency}",
            "addressed_to": "Secretary of Homeland Security", "ask": "Terminate it.",
            "priority": "normal",
        },
        follow_redirects=True,
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert "2 demands created" in html
    assert "1 of them are on agencies whose agreement ICE no longer lists" in html
    flagged = {
        d.agency_id: d.delisted_flag
        for d in session.scalars(sa.select(Demand).where(Demand.campaign_id == campaign.id))
    }
    assert flagged == {lists["md"].id: True, lists["va"].id: False}
