"""Linking evidence fast: create-and-link from a demand (and back to it), one record linked
to every matching demand (each link with its note), bulk moves checked demand by demand
(issue 15, item 7)."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.demands.models import Demand, DemandEvidence, DemandStatus
from campaign.evidence.models import EvidenceRecord
from tests import factories
from tests.demands.factories import (
    create_actor,
    create_agency,
    create_demand_row,
    create_evidence_record,
)


def _world(session, n=3):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    demands = [
        create_demand_row(
            session,
            campaign=campaign,
            actor=actor,
            agency=create_agency(session, name=f"Town {i} Police Department", state="TX"),
        )
        for i in range(n)
    ]
    other = create_demand_row(
        session, campaign=campaign, actor=actor,
        agency=create_agency(session, name="Elsewhere Police Department", state="FL"),
    )  # fmt: skip
    return campaign, [d.id for d in demands], other.id


def test_add_a_record_from_a_demand_links_it_and_comes_back(login_as, session):
    campaign, (did, *_), _ = _world(session, 1)
    c = login_as("member")
    page = c.get(f"/campaigns/{campaign.slug}/demands/{did}").get_data(as_text=True)
    assert f'href="/evidence/new?demand_id={did}"' in page
    form = c.get(f"/evidence/new?demand_id={did}").get_data(as_text=True)
    assert "It will be linked to the demand" in form and 'value="Town 0 Police Department"' in form
    data = {
        "demand_id": str(did), "type": "news_report", "title": "Stops doubled in 2024",
        "agency_state": "TX", "agency_name": "Town 0 Police Department", "link_note": "",
    }  # fmt: skip
    r = c.post("/evidence/new", data=data)
    assert r.status_code == 400 and "Say why this record supports the demand." in r.get_data(
        as_text=True
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceRecord)) == 0
    r = c.post("/evidence/new", data={**data, "link_note": "Shows the pattern."})
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/campaigns/{campaign.slug}/demands/{did}")
    link = session.scalar(sa.select(DemandEvidence))
    assert (link.demand_id, link.note) == (did, "Shows the pattern.")


def test_link_one_record_to_every_matching_demand(login_as, session):
    campaign, ids, other = _world(session)
    record = create_evidence_record(session, title="State audit of 287(g) partners")
    c = login_as("member")
    page = c.get(f"/evidence/{record.id}").get_data(as_text=True)
    assert "Link to every matching demand" in page
    r = c.post(
        f"/evidence/{record.id}/demands/matching",
        data={"campaign_id": campaign.id, "status": "draft", "state": "TX",
              "note": "The audit names {agency}."},
    )  # fmt: skip
    assert r.status_code == 302
    assert "Linked to 3 demands." in c.get(f"/evidence/{record.id}").get_data(as_text=True)
    notes = dict(session.execute(sa.select(DemandEvidence.demand_id, DemandEvidence.note)).all())
    assert set(notes) == set(ids) and other not in notes
    assert notes[ids[1]] == "The audit names Town 1 Police Department."
    # again: nothing twice
    r = c.post(
        f"/evidence/{record.id}/demands/matching",
        data={"campaign_id": campaign.id, "status": "", "state": "", "note": "Again."},
    )
    html = c.get(f"/evidence/{record.id}").get_data(as_text=True)
    assert "Linked to 1 demands; 3 already had this record." in html
    r = c.post(
        f"/evidence/{record.id}/demands/matching",
        data={"campaign_id": campaign.id, "status": "met", "note": "x"},
    )
    assert r.status_code == 400 and "No demand matches these filters." in r.get_data(as_text=True)


def test_bulk_move_checks_each_demand_and_lists_refusals(login_as, session):
    campaign, ids, other = _world(session)
    record = create_evidence_record(session, title="Audit")
    actor = create_actor(session)
    from campaign.demands.evidence import link_evidence

    for did in ids[:2]:
        link_evidence(session, session.get(Demand, did), record, note="Audit.", actor=actor)
    session.commit()
    c = login_as("coordinator")
    listing = c.get(f"/campaigns/{campaign.slug}/demands?state=TX").get_data(as_text=True)
    assert "Move the 3 demands matching these filters" in listing
    r = c.post(
        f"/campaigns/{campaign.slug}/demands/bulk-move",
        data={"to": "sent", "reason": "Mailed together.", "happened_on": "2026-01-05",
              "filters": "state=TX"},
    )  # fmt: skip
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:2000]
    assert "2 moved" in html and "1 refused" in html
    refused = html[html.index('id="bulk-move-refused"') :]
    assert "Terminate Town 2 Police Department" in refused
    assert "Link at least one evidence record before sending the demand." in refused
    statuses = dict(session.execute(sa.select(Demand.id, Demand.status)).all())
    assert [statuses[i] for i in ids] == [DemandStatus.SENT, DemandStatus.SENT, DemandStatus.DRAFT]
    assert statuses[other] == DemandStatus.DRAFT  # another state: not matched
    moved = session.get(Demand, ids[0])
    assert moved.status_changed_on.isoformat() == "2026-01-05"
    # members may not
    r = login_as("member").post(
        f"/campaigns/{campaign.slug}/demands/bulk-move", data={"to": "sent", "reason": "x"}
    )
    assert r.status_code == 403
