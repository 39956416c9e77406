"""Evidence keeps a state (or "national") without an agency, and the state filter finds it
(issue 15, item 6); a record keeps its provenance — source, retrieval date, pin cite, the
sha256 of its stored copy — shown on its page and cited on the demands it supports (item 8)."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.evidence.models import EvidenceRecord
from tests import factories
from tests.demands.factories import create_actor, create_agency, create_demand_row

MOA = ICE_DATA_DIR / "agreements" / "ArcadiaPDFL_TFM_MOA_030425.pdf"


def _form(**kw):
    data = {
        "type": "data_analysis", "title": "Traffic stops of Latino drivers, 2019-2023",
        "event_on": "2024-02-01", "source_url": "", "citation": "", "summary": "",
        "agency_state": "", "agency_name": "", "retrieved_on": "", "pin_cite": "",
    }  # fmt: skip
    data.update(kw)
    return data


def test_a_state_without_an_agency_is_kept_and_found(login_as, session):
    c = login_as("member")
    for title, state in (("Texas stops", "TX"), ("Nationwide audit", "national"),
                         ("No place", "")):  # fmt: skip
        r = c.post("/evidence/new", data=_form(title=title, agency_state=state))
        assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    got = dict(session.execute(sa.select(EvidenceRecord.title, EvidenceRecord.state)).all())
    assert got == {"Texas stops": "TX", "Nationwide audit": "national", "No place": None}
    tx = c.get("/evidence?state=TX").get_data(as_text=True)
    assert "Texas stops" in tx and "Nationwide audit" not in tx
    national = c.get("/evidence?state=national").get_data(as_text=True)
    assert "Nationwide audit" in national and "Texas stops" not in national
    record = session.scalar(sa.select(EvidenceRecord).where(EvidenceRecord.title == "Texas stops"))
    assert "Texas" in c.get(f"/evidence/{record.id}").get_data(as_text=True)
    # editing keeps it (the edit form shows the state)
    coordinator = login_as("coordinator")
    edit = coordinator.get(f"/evidence/{record.id}/edit").get_data(as_text=True)
    assert '<option selected value="TX">' in edit or 'value="TX" selected' in edit


def test_a_record_with_an_agency_takes_its_state(login_as, session):
    create_agency(session, name="Arcadia Police Department", state="FL")
    r = login_as("member").post(
        "/evidence/new",
        data=_form(agency_state="FL", agency_name="Arcadia Police Department"),
    )
    assert r.status_code == 302
    assert session.scalar(sa.select(EvidenceRecord.state)) == "FL"


def test_provenance_shown_and_cited_on_the_demand(login_as, session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    agency = create_agency(session, name="Arcadia Police Department", state="FL")
    demand = create_demand_row(session, campaign=campaign, agency=agency, actor=actor)
    c = login_as("member")
    data = MOA.read_bytes()
    r = c.post(
        "/evidence/new",
        data=_form(
            type="public_records", title="Arcadia's Task Force Model agreement",
            source_url="https://www.ice.gov/doclib/287gMOA/ArcadiaPDFL_TFM_MOA_030425.pdf",
            retrieved_on="2026-05-18", pin_cite="p. 3, § V", agency_state="FL",
            agency_name="Arcadia Police Department", attachment=(MOA.open("rb"), MOA.name),
        ),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    record = session.scalar(sa.select(EvidenceRecord))
    assert (record.retrieved_on.isoformat(), record.pin_cite) == ("2026-05-18", "p. 3, § V")
    sha = hashlib.sha256(data).hexdigest()
    page = c.get(f"/evidence/{record.id}").get_data(as_text=True)
    for text in ("Retrieved on", "May 18, 2026", "p. 3, § V", sha):
        assert text in page
    cite = (
        "Arcadia&#39;s Task Force Model agreement, p. 3, § V, "
        "https://www.ice.gov/doclib/287gMOA/ArcadiaPDFL_TFM_MOA_030425.pdf "
        f"(retrieved 2026-05-18). Stored copy sha256 {sha}."
    )
    assert cite in page
    r = c.post(
        f"/campaigns/{campaign.slug}/demands/{demand.id}/evidence",
        data={"evidence_id": record.id, "note": "The agreement itself."},
    )
    assert r.status_code == 302
    assert cite in c.get(f"/campaigns/{campaign.slug}/demands/{demand.id}").get_data(as_text=True)


def test_a_future_retrieval_date_is_refused(login_as, session):
    r = login_as("member").post("/evidence/new", data=_form(retrieved_on="2999-01-01"))
    assert r.status_code == 400 and "cannot be in the future" in r.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceRecord)) == 0
