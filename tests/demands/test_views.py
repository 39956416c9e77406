"""Demand pages: who may do what, campaign scoping, filters, query counts, forms."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.core.clock import local_today
from campaign.demands.models import Demand, DemandEvent, DemandStatus, Priority
from campaign.demands.tracking import flag_delisted_agencies
from tests import factories
from tests.demands.factories import (
    create_actor,
    create_agency,
    create_demand_row,
    create_evidence_record,
)
from tests.factories import reload

S = DemandStatus


@pytest.fixture
def world(session):
    """A campaign with one sent, flagged demand that has evidence, and a spare record."""
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    agency = create_agency(session, name="Arcadia Police Department", county="DeSoto")
    demand = create_demand_row(
        session, campaign=campaign, agency=agency, status=S.SENT, with_evidence=True, actor=actor
    )
    flag_delisted_agencies(session, [agency.id], snapshot_id=None)
    spare = create_evidence_record(session, title="Spare record", agency=agency, actor=actor)
    session.commit()
    return {"campaign": campaign, "demand": demand, "agency": agency, "spare": spare}


def _routes(w):
    base = f"/campaigns/{w['campaign'].slug}/demands"
    d = f"{base}/{w['demand'].id}"
    member = [
        ("GET", base, {}),
        ("GET", d, {}),
        ("POST", f"{d}/evidence", {"evidence_id": w["spare"].id, "note": "Relevant."}),
        ("POST", f"{d}/evidence/{w['spare'].id}/unlink", {}),
        ("POST", f"{d}/flag/dismiss", {"flag_reason": "Still listed."}),
        ("POST", f"{d}/flag/confirm", {"flag_reason": "Confirmed."}),
    ]
    coordinator = [
        ("GET", f"{base}/new", {}),
        ("GET", f"{base}/new?agency_id={w['agency'].id}", {}),
        ("POST", f"{base}/new", {"agency_id": w["agency"].id, "title": ""}),
        ("GET", f"{base}/bulk", {}),
        ("POST", f"{base}/bulk", {"title": ""}),
        ("GET", f"{d}/edit", {}),
        ("POST", f"{d}/edit", {"title": ""}),
        ("POST", f"{d}/transition", {"to": "acknowledged", "reason": ""}),
    ]
    return member, coordinator


def test_authorization_on_every_route(world, client, login_as):
    member_routes, coordinator_routes = _routes(world)
    for method, url, data in member_routes + coordinator_routes:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    member = login_as("member")
    for method, url, data in coordinator_routes:
        assert member.open(url, method=method, data=data).status_code == 403, url
    for method, url, data in member_routes:
        response = member.open(url, method=method, data=data)
        # 400: the flag was already dismissed by the route before
        assert response.status_code in (200, 302, 400), url
        assert "/login" not in response.headers.get("Location", ""), url
    coordinator = login_as("coordinator")
    for method, url, data in coordinator_routes:
        assert coordinator.open(url, method=method, data=data).status_code in (200, 400), url


def test_demand_of_another_campaign_is_404(world, login_as, session):
    other = factories.create_campaign(session)
    c = login_as("coordinator")
    d = world["demand"].id
    for method, suffix in [
        ("GET", ""),
        ("GET", "/edit"),
        ("POST", "/transition"),
        ("POST", "/evidence"),
        ("POST", "/flag/confirm"),
        ("POST", f"/evidence/{world['spare'].id}/unlink"),
    ]:
        url = f"/campaigns/{other.slug}/demands/{d}{suffix}"
        assert c.open(url, method=method, data={"reason": "x"}).status_code == 404, url
    assert c.get("/campaigns/no-such/demands").status_code == 404


def test_list_filters(login_as, session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    tx = create_agency(session, name="Harris County Sheriff", state="TX")
    fl = create_agency(session, name="Arcadia Police Department", state="FL")
    # the app judges "overdue" by the date in the coalition's zone, not the server's
    yesterday = local_today("America/New_York") - timedelta(days=1)
    create_demand_row(session, campaign=campaign, agency=tx, title="Texas ask",
                      status=S.AWAITING_RESPONSE, due_on=yesterday, priority=Priority.HIGH,
                      actor=actor)  # fmt: skip
    create_demand_row(session, campaign=campaign, agency=fl, title="Florida ask", actor=actor)
    c = login_as("member")
    base = f"/campaigns/{campaign.slug}/demands"

    def titles(query):
        html = c.get(base + query).get_data(as_text=True)
        return {t for t in ("Texas ask", "Florida ask") if t in html}

    assert titles("") == {"Texas ask", "Florida ask"}
    assert titles("?state=TX") == {"Texas ask"}
    assert titles("?status=draft") == {"Florida ask"}
    assert titles("?status=open") == {"Texas ask", "Florida ask"}
    assert titles("?priority=high") == {"Texas ask"}
    assert titles("?overdue=y") == {"Texas ask"}
    assert titles("?flagged=y") == set()
    assert c.get(base + "?status=bogus&state=ZZ&page=x").status_code == 200
    html = c.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "1 overdue" in html and "Awaiting response</a>: 1" in html


def test_list_query_count_is_constant(login_as, session, count_queries):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    c = login_as("member")
    url = f"/campaigns/{campaign.slug}/demands"
    counts = []
    for n in (3, 60):
        while (
            session.scalar(sa.select(sa.func.count()).where(Demand.campaign_id == campaign.id)) < n
        ):
            create_demand_row(session, campaign=campaign, with_evidence=True, actor=actor)
        with count_queries() as q:
            response = c.get(url)
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_detail_query_count_is_constant(login_as, session, count_queries, world):
    c = login_as("member")
    url = f"/campaigns/{world['campaign'].slug}/demands/{world['demand'].id}"
    with count_queries() as q:
        c.get(url)
    small = q.count
    actor = create_actor(session)
    demand = reload(session, world["demand"])
    from campaign.demands.evidence import link_evidence

    for i in range(8):
        record = create_evidence_record(session, agency=world["agency"], actor=actor)
        link_evidence(session, demand, record, note=f"note {i}", actor=actor)
    session.commit()
    with count_queries() as q:
        html = c.get(url).get_data(as_text=True)
    assert q.count == small and "note 7" in html


def test_coordinator_creates_edits_and_transitions(login_as, session):
    agency = create_agency(session, name="Collier County Sheriff's Office", county="Collier")
    c = login_as("coordinator")
    campaign = factories.create_campaign(session, actor=c.user)
    base = f"/campaigns/{campaign.slug}/demands"
    assert "Collier County Sheriff" in c.get(f"{base}/new?q=collier").get_data(as_text=True)
    form = c.get(f"{base}/new?agency_id={agency.id}").get_data(as_text=True)
    assert "Terminate the 287(g) agreement between Collier County Sheriff" in form
    assert "The Sheriff, Collier County Sheriff" in form  # datalist suggestion
    response = c.post(
        f"{base}/new",
        data={
            "agency_id": agency.id,
            "addressed_to": "Sheriff of Collier County",
            "title": "End Collier's agreement",
            "ask": "Terminate it.",
            "rationale": "A **pattern** <script>x</script>",
            "priority": "high",
            "due_on": "2026-06-01",
        },
    )
    assert response.status_code == 302
    demand = session.scalar(sa.select(Demand).where(Demand.title == "End Collier's agreement"))
    assert demand.status == S.DRAFT and demand.priority == Priority.HIGH
    detail = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>pattern</strong>" in detail and "<script>x" not in detail

    # sending without evidence: a clear error, status unchanged
    response = c.post(f"{base}/{demand.id}/transition", data={"to": "sent", "reason": "Go"})
    assert response.status_code == 400
    assert "Link at least one evidence record" in response.get_data(as_text=True)
    record = create_evidence_record(session, agency=agency)
    response = c.post(
        f"{base}/{demand.id}/evidence", data={"evidence_id": record.id, "note": "Why"}
    )
    assert response.status_code == 302
    response = c.post(f"{base}/{demand.id}/transition", data={"to": "sent", "reason": ""})
    assert response.status_code == 400 and "This field is required" in response.get_data(
        as_text=True
    )
    response = c.post(f"{base}/{demand.id}/transition", data={"to": "met", "reason": "x"})
    assert response.status_code == 400 and "cannot go from" in response.get_data(as_text=True)
    response = c.post(f"{base}/{demand.id}/transition", data={"to": "bogus", "reason": "x"})
    assert response.status_code == 400
    response = c.post(f"{base}/{demand.id}/transition", data={"to": "sent", "reason": "Mailed"})
    assert response.status_code == 302
    assert reload(session, demand).status == S.SENT
    page = c.get(f"{base}/{demand.id}").get_data(as_text=True)
    assert "Draft → Sent" in page and "Mailed" in page

    response = c.post(
        f"{base}/{demand.id}/edit",
        data={"addressed_to": "ICE Director", "title": "New title", "ask": "Terminate.",
              "rationale": "", "priority": "low", "due_on": ""},
    )  # fmt: skip
    assert response.status_code == 302
    demand = reload(session, demand)
    assert (demand.title, demand.priority, demand.due_on) == ("New title", Priority.LOW, None)
    assert session.scalar(
        sa.select(AuditEvent.details).where(
            AuditEvent.action == "demand.update", AuditEvent.entity_id == demand.id
        )
    )["fields"] == ["title", "addressed_to", "ask", "rationale", "priority", "due_on"]


def test_unlinking_the_last_record_of_a_sent_demand_is_refused(world, login_as, session):
    c = login_as("member")
    demand = world["demand"]
    link_record = session.scalar(
        sa.select(DemandEvent.note).where(DemandEvent.demand_id == demand.id)
    )
    assert link_record is not None
    from campaign.demands.models import DemandEvidence

    evidence_id = session.scalar(
        sa.select(DemandEvidence.evidence_id).where(DemandEvidence.demand_id == demand.id)
    )
    url = f"/campaigns/{world['campaign'].slug}/demands/{demand.id}/evidence/{evidence_id}/unlink"
    response = c.post(url)
    assert response.status_code == 400
    assert "keeps at least one evidence record" in response.get_data(as_text=True)


def test_member_confirms_flag_through_the_page(world, login_as, session):
    c = login_as("member")
    url = f"/campaigns/{world['campaign'].slug}/demands/{world['demand'].id}"
    page = c.get(url).get_data(as_text=True)
    assert "Agreement no longer listed: confirm termination" in page
    assert "Change status" not in page  # members do not transition
    response = c.post(f"{url}/flag/confirm", data={"flag_reason": ""})
    assert response.status_code == 400
    response = c.post(f"{url}/flag/confirm", data={"flag_reason": "Sheriff's letter of May 2."})
    assert response.status_code == 302
    demand = reload(session, world["demand"])
    assert demand.status == S.MET and not demand.delisted_flag
    response = c.post(f"{url}/flag/dismiss", data={"flag_reason": "again"})
    assert response.status_code == 400 and "not flagged" in response.get_data(as_text=True)


def test_bulk_page_creates_for_selected_and_matching(login_as, session):
    c = login_as("coordinator")
    campaign = factories.create_campaign(session, actor=c.user)
    tx1 = create_agency(session, name="Alpha Sheriff", state="TX", county="Alpha")
    tx2 = create_agency(session, name="Beta Sheriff", state="TX", county="Beta")
    fl = create_agency(session, name="Gamma Police", state="FL")
    base = f"/campaigns/{campaign.slug}/demands/bulk"
    page = c.get(base + "?state=TX").get_data(as_text=True)
    assert "Alpha Sheriff" in page and "Gamma Police" not in page and "2 agencies match" in page
    template = {
        "addressed_to": "Sheriff of {county} County",
        "title": "End {agency}",
        "ask": "Terminate {agency}'s agreement.",
        "rationale": "",
        "priority": "normal",
    }
    response = c.post(base, data={**template, "scope": "selected", "agency_ids": [str(tx1.id)]})
    assert response.status_code == 302
    response = c.post(
        base, data={**template, "scope": "matching", "state": "TX"}, follow_redirects=True
    )
    assert "1 demands created as drafts; 1 agencies skipped" in response.get_data(as_text=True)
    made = session.execute(sa.select(Demand.agency_id, Demand.addressed_to)).all()
    assert sorted(made) == sorted(
        [(tx1.id, "Sheriff of Alpha County"), (tx2.id, "Sheriff of Beta County")]
    )
    assert fl.id not in {a for a, _ in made}
    response = c.post(base, data={**template, "title": "End {agnecy}", "scope": "matching"})
    assert response.status_code == 400 and "Unknown placeholder {agnecy}" in response.get_data(
        as_text=True
    )
    response = c.post(base, data={**template, "scope": "selected"})
    assert response.status_code == 400 and "Select at least one agency" in response.get_data(
        as_text=True
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(Demand)) == 2


def test_agency_page_sections_render(app, world, session):
    from flask import render_template

    from campaign.demands.views import agency_demands_section
    from campaign.evidence.views import agency_evidence_section

    agency = reload(session, world["agency"])
    with app.test_request_context():
        template, data = agency_demands_section(agency)
        html = render_template(template, data=data)
        assert "Terminate Arcadia Police Department" in html and "Sent" in html
        template, data = agency_evidence_section(agency)
        html = render_template(template, data=data)
        assert "Spare record" in html and data["total"] == 2


def test_agency_ids_past_the_database_integer_are_ignored_not_a_500(login_as, session):
    c = login_as("coordinator")
    campaign = factories.create_campaign(session, actor=c.user)
    huge = "9" * 25
    base = f"/campaigns/{campaign.slug}/demands"
    assert c.get(f"{base}/new?agency_id={huge}").status_code == 200  # the agency search
    response = c.post(
        f"{base}/bulk",
        data={"title": "End {agency}", "ask": "Terminate it.", "addressed_to": "DHS",
              "priority": "normal", "scope": "selected", "agency_ids": [huge, "٣"]},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Select at least one agency" in response.get_data(as_text=True)
    assert c.get(f"/evidence/new?agency_id={huge}").status_code == 200
