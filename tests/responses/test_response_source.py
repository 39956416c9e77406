"""A response says who it came from: the agency, DHS and its components, another body or a
person; nothing is credited to the demand's agency by default (issue 15, item 4)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.core.clock import local_today
from campaign.demands.models import DemandStatus
from campaign.responses.models import Response, ResponseSource
from tests import factories
from tests.demands.factories import create_actor, create_agency, create_demand_row


@pytest.fixture
def demand(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    agency = create_agency(session, name="Waukesha County Sheriff's Office", state="WI")
    row = create_demand_row(
        session, campaign=campaign, agency=agency, status=DemandStatus.AWAITING_RESPONSE,
        with_evidence=True, actor=actor,
    )  # fmt: skip
    return {"url": f"/campaigns/{campaign.slug}/demands/{row.id}", "agency_id": agency.id}


def _form(**kw):
    values = {
        "received_on": local_today().isoformat(), "channel": "letter", "agency_state": "WI",
        "agency_name": "Waukesha County Sheriff's Office", "from_name": "", "from_title": "",
        "summary": "DHS will review the agreement.", "full_text": "", "outcome": "none",
    }  # fmt: skip
    values.update(kw)
    return values


def test_the_form_asks_and_has_no_default(login_as, demand):
    c = login_as("coordinator")
    page = c.get(f"{demand['url']}/responses/new").get_data(as_text=True)
    assert "Who it came from" in page and "Choose who it came from" in page
    labels = [
        "DHS: Immigration and Customs Enforcement (ICE)",
        "ICE: Enforcement and Removal Operations (ERO)",
        "DHS: Office for Civil Rights and Civil Liberties (CRCL)",
        "DHS: Office of the Secretary",
        "Another body",
        "A person",
    ]
    for label in labels:
        assert label in page
    r = c.post(f"{demand['url']}/responses/new", data=_form())
    assert r.status_code == 400 and "Say who the response came from." in r.get_data(as_text=True)


@pytest.mark.parametrize(
    ("source", "extra", "agency_kept", "shown"),
    [
        ("ice", {}, False, "From ICE"),
        ("crcl", {"from_name": "Jo Doe", "from_title": "Officer"}, False,
         "From Jo Doe, Officer, DHS CRCL"),
        ("dhs_secretary", {}, False, "From DHS, Office of the Secretary"),
        ("agency", {}, True, "From Waukesha County Sheriff&#39;s Office"),
        ("other_body", {"source_body": "Waukesha County Board"}, False,
         "From Waukesha County Board"),
        ("person", {"from_name": "Sheriff Eric Severson"}, True,
         "From Sheriff Eric Severson, Waukesha"),
    ],
)  # fmt: skip
def test_each_source_is_stored_and_shown(
    login_as, session, demand, source, extra, agency_kept, shown
):
    c = login_as("coordinator")
    r = c.post(f"{demand['url']}/responses/new", data=_form(source=source, **extra))
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    response = session.scalar(sa.select(Response))
    assert response.source == ResponseSource(source)
    # the demand page pre-fills its agency: kept only for the agency or its person
    assert (response.agency_id == demand["agency_id"]) is agency_kept
    assert shown in c.get(demand["url"]).get_data(as_text=True)
    # the response's own page and the campaign's list say the same
    slug = demand["url"].split("/")[2]
    detail = c.get(f"/campaigns/{slug}/responses/{response.id}").get_data(as_text=True)
    assert shown.removeprefix("From ") in detail
    assert shown.removeprefix("From ") in c.get(f"/campaigns/{slug}/responses").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "agency", "agency_name": ""}, "Name the agency the response came from."),
        ({"source": "other_body"}, "Name the body the response came from."),
        ({"source": "person"}, "Give the person&#39;s name."),
    ],
)
def test_what_each_source_needs(login_as, session, demand, data, message):
    r = login_as("coordinator").post(f"{demand['url']}/responses/new", data=_form(**data))
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_migration_sorts_existing_rows(tmp_path):
    """The upgrade reads what was recorded: an agency → the agency, a name → a person,
    nothing → not recorded (NULL), never guessed."""
    from campaign.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, "2b226d209a72")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO campaigns (id, name, slug, description, created_at) "
                "VALUES (1, 'C', 'c', '', '2026-01-01')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO agencies (id, name, key, state, type, created_at) "
                "VALUES (1, 'A', 'a', 'FL', 'county', '2026-01-01')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO demands (id, campaign_id, agency_id, addressed_to, title, ask, "
                "rationale, priority, due_on, status, status_changed_at, delisted_flag, "
                "created_at) "
                "VALUES (1, 1, 1, 'DHS', 'T', 'ask', '', 'normal', NULL, 'sent', '2026-01-01', 0, "
                "'2026-01-01')"
            )
        )
        for rid, agency, name in ((1, 1, ""), (2, None, "Pat Roe"), (3, None, "")):
            conn.execute(sa.text(
                "INSERT INTO responses (id, campaign_id, demand_id, received_on, agency_id, "
                "from_name, from_title, channel, summary, full_text, outcome, status, "
                "created_at, rejection_reason) VALUES (:id, 1, 1, '2026-01-02', :agency, "
                ":name, '', 'letter', 's', '', 'none', 'approved', '2026-01-02', '')"
            ), {"id": rid, "agency": agency, "name": name})  # fmt: skip
    upgrade(url)
    with engine.connect() as conn:
        got = dict(conn.execute(sa.text("SELECT id, source FROM responses")).all())
    engine.dispose()
    assert got == {1: "agency", 2: "person", 3: None}
    assert Response(source=None, from_name="", from_title="").source_text() == "not recorded"
