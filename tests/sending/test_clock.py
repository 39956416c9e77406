"""The response clock: business days across weekends, US federal holidays and time zones;
extended with a reason, paused while the coalition owes the agency something."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from campaign.core.clock import local_today
from campaign.demands.models import DemandEvent, DemandEventKind, DemandStatus
from campaign.demands.tracking import overdue_demands
from campaign.sending import clock
from campaign.sending.demand_clock import days_overdue, extend, pause, resume, start_clock
from tests.demands.factories import create_actor, create_demand_row
from tests.factories import reload


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday → Monday
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas, then the weekend
        (date(2026, 7, 2), 1, date(2026, 7, 6)),  # July 4 is a Saturday: observed Friday 3
        (date(2026, 11, 25), 2, date(2026, 11, 30)),  # Thanksgiving Thursday
        (date(2027, 1, 15), 1, date(2027, 1, 19)),  # Friday; Monday is MLK Day
        (date(2026, 6, 18), 1, date(2026, 6, 22)),  # Juneteenth Friday
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day Friday, across years
        (date(2026, 12, 4), 0, date(2026, 12, 4)),
    ],
)
def test_business_days_skip_weekends_and_federal_holidays(start, days, due):
    assert clock.due_date(start, days, clock.BUSINESS) == due
    assert clock.business_days_between(start, due) == days


def test_calendar_days_count_every_day():
    assert clock.due_date(date(2026, 12, 24), 10, clock.CALENDAR) == date(2027, 1, 3)
    assert clock.days_overdue(date(2026, 12, 24), date(2026, 12, 28), clock.CALENDAR) == 4
    assert clock.days_overdue(date(2026, 12, 24), date(2026, 12, 28), clock.BUSINESS) == 1
    with pytest.raises(ValueError):
        clock.due_date(date(2026, 1, 1), 5, "fortnights")


def test_twenty_business_days_in_december_reach_into_january():
    # 2026-12-07 + 20: two weekends and Christmas off, New Year's Day too
    assert clock.add_business_days(date(2026, 12, 7), 20) == date(2027, 1, 6)


def test_the_day_is_the_coalitions_not_utcs():
    # 02:30 UTC on Tuesday Dec 8 is Monday evening in New York, Tuesday in UTC
    instant = datetime(2026, 12, 8, 2, 30, tzinfo=UTC)
    assert local_today("America/New_York", instant) == date(2026, 12, 7)
    assert local_today("UTC", instant) == date(2026, 12, 8)
    # a demand due Monday Dec 7 is not overdue yet in New York at that instant
    due = date(2026, 12, 7)
    assert clock.days_overdue(due, local_today("America/New_York", instant)) == 0
    assert clock.days_overdue(due, local_today("UTC", instant)) == 1
    # Honolulu is still on Monday hours later; Kiritimati (UTC+14) is already Tuesday
    late = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert local_today("Pacific/Honolulu", late) == date(2026, 12, 7)
    assert local_today("Pacific/Kiritimati", datetime(2026, 12, 7, 10, 0, tzinfo=UTC)) == date(
        2026, 12, 8
    )


def test_extend_pause_resume_on_the_timeline(session, app):
    actor = create_actor(session)
    demand = create_demand_row(session, status=DemandStatus.SENT, with_evidence=True)
    start_clock(demand, date(2026, 11, 2))  # the defaults: 20 business days
    # Veterans Day and Thanksgiving off
    assert demand.due_on == date(2026, 12, 2) and demand.clock_unit == clock.BUSINESS
    today = date(2026, 12, 3)
    assert days_overdue(demand, today) == 1
    assert [d.id for d in overdue_demands(session, today)] == [demand.id]
    with pytest.raises(Exception, match="reason"):
        extend(session, demand, new_due_on=date(2026, 12, 10), reason=" ", actor=actor, today=today)
    with pytest.raises(Exception, match="after the current due date"):
        extend(
            session,
            demand,
            new_due_on=date(2026, 12, 1),
            reason="x",
            actor=actor,
            today=date(2026, 11, 30),
        )
    extend(
        session,
        demand,
        new_due_on=date(2026, 12, 10),
        reason="Asked for time",
        actor=actor,
        today=today,
    )
    assert days_overdue(demand, today) == 0 and overdue_demands(session, today) == []
    # paused on Friday Dec 11 (overdue by one day), resumed Monday Dec 21: six business days
    pause(
        session,
        demand,
        reason="We owe them the incident list",
        actor=actor,
        today=date(2026, 12, 11),
    )
    assert days_overdue(demand, date(2026, 12, 18)) == 0
    assert overdue_demands(session, date(2026, 12, 18)) == []
    resume(session, demand, actor=actor, today=date(2026, 12, 21))
    assert demand.paused_on is None and demand.due_on == date(2026, 12, 18)
    session.commit()
    notes = session.scalars(
        sa.select(DemandEvent.note).where(
            DemandEvent.demand_id == demand.id, DemandEvent.kind == DemandEventKind.CLOCK
        )
    ).all()
    assert len(notes) == 3 and "Asked for time" in notes[0] and "paused" in notes[1]
    assert reload(session, demand).due_on == date(2026, 12, 18)


def test_clock_pages(session, login_as):
    from campaign.campaigns.models import Campaign

    demand = create_demand_row(
        session, status=DemandStatus.SENT, with_evidence=True, due_on=date(2020, 1, 6)
    )
    slug = session.get(Campaign, demand.campaign_id).slug
    base = f"/campaigns/{slug}/demands/{demand.id}"
    coordinator = login_as("coordinator")
    assert "overdue" in coordinator.get(base).text
    assert coordinator.post(f"{base}/clock/pause", data={"reason": ""}).status_code == 400
    assert (
        coordinator.post(f"{base}/clock/pause", data={"reason": "Owe records"}).status_code == 302
    )
    page = coordinator.get(base).text
    assert "Paused" in page and "Owe records" in page
    assert coordinator.post(f"{base}/clock/pause", data={"reason": "again"}).status_code == 400
    assert coordinator.post(f"{base}/clock/resume", data={}).status_code == 302
    assert (
        coordinator.post(
            f"{base}/clock/extend", data={"new_due_on": "2099-01-01", "reason": "Granted"}
        ).status_code
        == 302
    )
    assert reload(session, demand).due_on == date(2099, 1, 1)
    assert (
        coordinator.post(
            f"{base}/clock/extend", data={"new_due_on": "nonsense", "reason": "x"}
        ).status_code
        == 400
    )


def test_an_unknown_clock_stops_the_app(tmp_path):
    from campaign import create_app

    with pytest.raises(RuntimeError, match="CAMPAIGN_RESPONSE_CLOCK"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
                "SECRET_KEY": "k" * 40,
                "INSTANCE_PATH": str(tmp_path),
                "RESPONSE_CLOCK": "fortnightly",
            }
        )
