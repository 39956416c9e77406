"""Consolidated follow-ups: one email per agency listing its open demands, at most one per
window, on every demand's timeline, with receipts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from campaign.demands.models import DemandEvent, DemandEventKind, DemandStatus
from campaign.mail.models import OutboxMessage
from campaign.sending.followups import agency_statuses, send_due_follow_ups
from campaign.sending.models import AgencyFollowUp
from tests import factories
from tests.sending.factories import ready_demand


def _two_demands_one_agency(session):
    campaign = factories.create_campaign(session)
    first = ready_demand(session, campaign=campaign, status=DemandStatus.SENT)
    first.due_on = date(2026, 11, 2)
    from campaign.agencies.models import Agency
    from campaign.demands.services import DemandFields, create_demand
    from tests.demands.factories import create_actor

    second = create_demand(
        session,
        campaign,
        session.get(Agency, first.agency_id),
        DemandFields(
            title="Release the 287(g) steering committee minutes",
            addressed_to="Sheriff",
            due_on=date(2026, 11, 20),
        ),
        actor=create_actor(session),
    )
    second.status = DemandStatus.AWAITING_RESPONSE
    session.commit()
    return campaign, first, second


def _round(app, session, today):
    # the worker's round, in an app context as the worker has (committed before the context
    # ends: leaving it removes the session)
    with app.app_context():
        result = send_due_follow_ups(session, today)
        session.commit()
    return result


def test_worker_sends_one_email_per_agency_then_waits_for_the_window(session, app):
    campaign, first, second = _two_demands_one_agency(session)
    today = date(2026, 12, 1)
    [status] = agency_statuses(session, campaign, today)
    assert status.due(today) and len(status.demands) == 2
    assert _round(app, session, today) == (1, [])
    [mail] = session.scalars(sa.select(OutboxMessage)).all()
    assert mail.to_addr == "sheriff@galveston.example.org" and mail.kind == "follow_up"
    for demand in (first, second):
        assert demand.title in mail.body_text and f"-{demand.id:04d}" in mail.body_text
    assert "calendar days overdue" in mail.body_text and "How to reply" in mail.body_text
    follow_up = session.scalar(sa.select(AgencyFollowUp))
    assert mail.agency_follow_up_id == follow_up.id and follow_up.by_id is None
    events = session.scalars(
        sa.select(DemandEvent.demand_id).where(DemandEvent.kind == DemandEventKind.FOLLOW_UP_SENT)
    ).all()
    assert sorted(events) == sorted([first.id, second.id])
    # within 10 business days: nothing more, from the worker or a second round
    assert _round(app, session, date(2026, 12, 14)) == (0, [])
    # Dec 1 + 10 business days = Dec 15
    assert _round(app, session, date(2026, 12, 15)) == (1, [])


def test_coordinator_sends_a_follow_up_and_the_window_refuses_a_second(session, login_as):
    campaign, first, _second = _two_demands_one_agency(session)
    coordinator = login_as("coordinator")
    url = f"/campaigns/{campaign.slug}/agency-follow-ups"
    page = coordinator.get(url)
    assert page.status_code == 200 and "Galveston County Sheriff" in page.text
    done = coordinator.post(url, data={"agency_id": str(first.agency_id)})
    assert done.status_code == 302
    again = coordinator.post(url, data={"agency_id": str(first.agency_id)})
    assert again.status_code == 400 and "the next follow-up may go from" in again.text
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    assert "by a coordinator" in coordinator.get(url).text
    assert coordinator.post(url, data={"agency_id": "abc"}).status_code == 404
    member = login_as("member")
    assert member.get(url).status_code == 200
    assert member.post(url, data={"agency_id": "due"}).status_code == 403
