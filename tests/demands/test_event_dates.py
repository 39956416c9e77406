"""History carries the dates things happened: moves, follow-ups and the moves responses
make are dated (default today, never in the future, never before the previous event),
shown and ordered by that date; the audit log keeps both dates (issue 15, item 5)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.core.clock import local_today
from campaign.demands.models import Demand, DemandEvent, DemandEventKind, DemandStatus
from tests import factories
from tests.demands.factories import create_actor, create_agency, create_demand_row
from tests.factories import reload


@pytest.fixture
def demand(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    agency = create_agency(session, name="Frederick County Sheriff's Office", state="MD")
    row = create_demand_row(
        session, campaign=campaign, agency=agency, with_evidence=True, actor=actor
    )
    return {"id": row.id, "url": f"/campaigns/{campaign.slug}/demands/{row.id}"}


def _move(c, demand, to, on, reason="As recorded."):
    return c.post(
        f"{demand['url']}/transition",
        data={"to": to, "reason": reason, "happened_on": on},
    )


def test_moves_follow_ups_and_responses_carry_their_own_dates(login_as, session, demand):
    c = login_as("coordinator")
    page = c.get(demand["url"]).get_data(as_text=True)
    assert f'value="{local_today().isoformat()}"' in page  # "Date it happened": today
    assert _move(c, demand, "sent", "2023-04-03", "Letter mailed.").status_code == 302
    assert _move(c, demand, "awaiting_response", "2023-04-20").status_code == 302
    r = c.post(
        f"{demand['url']}/follow-ups",
        data={"done_on": "2023-06-01", "method": "letter", "note": "Second letter.",
              "new_due_on": "2023-07-01"},
    )  # fmt: skip
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    r = c.post(
        f"{demand['url']}/responses/new",
        data={"received_on": "2023-07-10", "channel": "letter", "source": "ice",
              "summary": "ICE declines.", "outcome": "denied"},
    )  # fmt: skip
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    d = reload(session, session.get(Demand, demand["id"]))
    assert d.status == DemandStatus.DENIED and d.status_changed_on == date(2023, 7, 10)
    moves = session.scalars(
        sa.select(DemandEvent)
        .where(DemandEvent.demand_id == d.id, DemandEvent.kind == DemandEventKind.STATUS)
        .order_by(DemandEvent.id)
    ).all()
    assert [m.happened_on for m in moves] == [
        date(2023, 4, 3), date(2023, 4, 20), date(2023, 7, 10),
    ]  # fmt: skip
    # the audit log keeps both: when it happened, and (its own time) when it was recorded
    audit = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "demand.transition")
    ).all()
    assert [a.details["happened_on"] for a in audit] == ["2023-04-03", "2023-04-20", "2023-07-10"]
    assert all(a.at.date() >= date(2026, 1, 1) for a in audit)
    html = c.get(demand["url"]).get_data(as_text=True)
    timeline = html[html.index('id="timeline"') :]
    order = ["Draft → Sent", "Sent → Awaiting response", "Second letter.", "ICE declines.",
             "Awaiting response → Denied"]  # fmt: skip
    positions = [timeline.index(text) for text in order]
    assert positions == sorted(positions)
    assert "April 3, 2023 (recorded" in timeline
    assert "July 10, 2023 <span" in html[: html.index('id="timeline"')]  # status since


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("future", "The date cannot be in the future."),
        ("2023-04-01", "cannot be before the demand&#39;s last recorded event (2023-04-03)"),
    ],
)
def test_a_move_cannot_be_dated_in_the_future_or_before_the_last_event(
    login_as, session, demand, on, message
):
    c = login_as("coordinator")
    assert _move(c, demand, "sent", "2023-04-03").status_code == 302
    when = (local_today() + timedelta(days=1)).isoformat() if on == "future" else on
    r = _move(c, demand, "acknowledged", when)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert reload(session, session.get(Demand, demand["id"])).status == DemandStatus.SENT
    # a follow-up before the last move is refused the same way
    r = c.post(
        f"{demand['url']}/follow-ups",
        data={"done_on": "2023-04-01", "method": "email", "new_due_on": "2023-05-01"},
    )
    assert r.status_code == 400 and "last recorded event (2023-04-03)" in r.get_data(as_text=True)


def test_a_move_without_a_date_happened_today(login_as, session, demand):
    c = login_as("coordinator")
    assert _move(c, demand, "sent", "").status_code == 302
    d = reload(session, session.get(Demand, demand["id"]))
    assert d.status_changed_on == local_today() == d.last_event_on


def test_sending_without_evidence_is_refused_where_the_evidence_is(login_as, session):
    actor = create_actor(session)
    row = create_demand_row(session, actor=actor)
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, row.campaign_id).slug
    c = login_as("coordinator")
    r = c.post(
        f"/campaigns/{slug}/demands/{row.id}/transition", data={"to": "sent", "reason": "Go."}
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    evidence = html[html.index('id="evidence-heading"') : html.index('id="timeline-heading"')]
    assert "Link at least one evidence record before sending the demand." in evidence
