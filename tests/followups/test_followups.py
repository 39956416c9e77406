"""Overdue in the coalition's time zone, the overdue lists, and follow-ups."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.core import clock
from campaign.core.clock import local_today
from campaign.demands.models import Demand, DemandStatus
from campaign.demands.tracking import overdue_demands
from campaign.followups.models import FollowUp
from tests import factories
from tests.demands.factories import create_actor, create_agency, create_demand_row
from tests.responses import data

S = DemandStatus


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        # 23:30 in New York on March 7 (EST, UTC-5) is already March 8 in UTC
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 3, 7)),
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "UTC", date(2026, 3, 8)),
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 7)),
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "Pacific/Guam", date(2026, 3, 8)),
        # the DST night: 02:00 EST jumps to 03:00 EDT at 07:00 UTC on March 8
        (datetime(2026, 3, 8, 6, 59, tzinfo=UTC), "America/New_York", date(2026, 3, 8)),
        (datetime(2026, 3, 8, 4, 59, tzinfo=UTC), "America/New_York", date(2026, 3, 7)),
        # midnight in New York in summer (EDT, UTC-4) and in winter (EST, UTC-5)
        (datetime(2026, 7, 1, 3, 59, 59, tzinfo=UTC), "America/New_York", date(2026, 6, 30)),
        (datetime(2026, 7, 1, 4, 0, tzinfo=UTC), "America/New_York", date(2026, 7, 1)),
        (datetime(2026, 12, 1, 4, 59, 59, tzinfo=UTC), "America/New_York", date(2026, 11, 30)),
        (datetime(2026, 12, 1, 5, 0, tzinfo=UTC), "America/New_York", date(2026, 12, 1)),
        # the night DST ends (November 1, 2026, 06:00 UTC): midnight is still EDT
        (datetime(2026, 11, 1, 3, 59, tzinfo=UTC), "America/New_York", date(2026, 10, 31)),
        (datetime(2026, 11, 1, 4, 0, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
        (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
        # Puerto Rico keeps AST (UTC-4) all year
        (datetime(2026, 1, 15, 3, 30, tzinfo=UTC), "America/Puerto_Rico", date(2026, 1, 14)),
    ],
)
def test_local_today_across_zones_midnight_and_dst(instant, zone, expected):
    assert local_today(zone, now=instant) == expected


def test_an_unknown_time_zone_is_refused_at_start(tmp_path):
    from campaign import create_app

    with pytest.raises(RuntimeError, match="not a known time zone"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "TIMEZONE": "Mars/Olympus",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})  # fmt: skip


@pytest.fixture
def setup(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor, name="Campaign A")
    fl = create_agency(session, name="Arcadia Police Department", state="FL")
    tx = create_agency(session, name="Harris County Sheriff", state="TX")
    ga = create_agency(session, name="Cobb County Sheriff", state="GA")
    due_mar7 = create_demand_row(
        session, campaign=campaign, agency=fl, status=S.AWAITING_RESPONSE,
        due_on=date(2026, 3, 7), with_evidence=True, actor=actor, title="Due March 7",
    )  # fmt: skip
    due_feb1 = create_demand_row(
        session, campaign=campaign, agency=tx, status=S.SENT, due_on=date(2026, 2, 1),
        actor=actor, title="Due February 1",
    )  # fmt: skip
    # met: never overdue, whatever its date
    create_demand_row(
        session, campaign=campaign, agency=ga, status=S.MET, due_on=date(2026, 1, 1),
        actor=actor, title="Met long ago",
    )  # fmt: skip
    other = factories.create_campaign(session, actor=actor, name="Campaign B")
    create_demand_row(
        session, campaign=other, agency=ga, status=S.ACKNOWLEDGED, due_on=date(2026, 1, 20),
        actor=actor, title="Other campaign ask",
    )  # fmt: skip
    return {"campaign_slug": campaign.slug, "mar7": due_mar7.id, "feb1": due_feb1.id}


def _at(monkeypatch, app, instant, zone):
    monkeypatch.setattr(clock, "now_utc", lambda: instant)
    monkeypatch.setitem(app.config, "TIMEZONE", zone)


def _rows(html, titles):
    """The titles in the order the page lists them."""
    return sorted((html.index(t), t) for t in titles if t in html)


def test_overdue_depends_on_the_coalition_zone(session, login_as, app, monkeypatch, setup):
    c = login_as("member")
    url = f"/campaigns/{setup['campaign_slug']}/overdue"
    titles = ("Due March 7", "Due February 1", "Met long ago", "Other campaign ask")
    # 23:30 on March 7 in New York: March 7 is not over yet
    _at(monkeypatch, app, datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "America/New_York")
    html = c.get(url).get_data(as_text=True)
    assert [t for _, t in _rows(html, titles)] == ["Due February 1"]
    assert ">34</td>" in html  # Feb 1 → Mar 7
    # the same instant for a coalition keeping UTC: March 8, so March 7 is overdue by one day
    _at(monkeypatch, app, datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "UTC")
    html = c.get(url).get_data(as_text=True)
    assert [t for _, t in _rows(html, titles)] == ["Due February 1", "Due March 7"]
    assert ">35</td>" in html and ">1</td>" in html
    # and the demand page and list agree
    page = c.get(f"/campaigns/{setup['campaign_slug']}/demands/{setup['mar7']}")
    assert "Overdue" in page.get_data(as_text=True)
    listing = c.get(f"/campaigns/{setup['campaign_slug']}/demands?overdue=y").get_data(as_text=True)
    assert "Due March 7" in listing and "Met long ago" not in listing


def test_overdue_across_campaigns_sorted_by_days(session, login_as, app, monkeypatch, setup):
    _at(monkeypatch, app, datetime(2026, 3, 9, 15, tzinfo=UTC), "America/New_York")
    html = login_as("member").get("/overdue").get_data(as_text=True)
    titles = ("Due March 7", "Due February 1", "Met long ago", "Other campaign ask")
    assert [t for _, t in _rows(html, titles)] == [
        "Other campaign ask", "Due February 1", "Due March 7",
    ]  # fmt: skip
    assert "Campaign B" in html
    # the service agrees with the pages
    assert [d.title for d in overdue_demands(session, date(2026, 3, 9))] == [
        "Other campaign ask", "Due February 1", "Due March 7",
    ]  # fmt: skip


def test_overdue_link_in_the_navigation(login_as):
    html = login_as("member").get("/campaigns").get_data(as_text=True)
    assert 'href="/overdue"' in html


def test_follow_up_sets_a_new_due_date(session, login_as, app, monkeypatch, setup):
    _at(monkeypatch, app, datetime(2026, 3, 9, 15, tzinfo=UTC), "America/New_York")
    c = login_as("member")
    slug, did = setup["campaign_slug"], setup["mar7"]
    url = f"/campaigns/{slug}/demands/{did}/follow-ups"
    form = {"done_on": "2026-03-09", "method": "call", "note": "Left a voicemail for the chief.",
            "new_due_on": "2026-03-23"}  # fmt: skip
    page = c.get(f"/campaigns/{slug}/demands/{did}").get_data(as_text=True)
    assert "Record a follow-up" in page and 'value="2026-03-23"' in page  # two weeks ahead
    assert c.post(url, data=form).status_code == 302
    session.expire_all()
    demand = session.get(Demand, did)
    assert demand.due_on == date(2026, 3, 23)
    follow_up = session.scalar(sa.select(FollowUp))
    assert (follow_up.previous_due_on, follow_up.new_due_on) == (
        date(2026, 3, 7),
        date(2026, 3, 23),
    )
    assert follow_up.by_id == c.user.id
    audit = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "demand.follow_up"))
    assert audit.entity_id == did and audit.details["new_due_on"] == "2026-03-23"
    # off the overdue list, and in the timeline
    assert "Due March 7" not in c.get(f"/campaigns/{slug}/overdue").get_data(as_text=True)
    page = c.get(f"/campaigns/{slug}/demands/{did}").get_data(as_text=True)
    assert "Follow-up (phone call): new due date March 23, 2026" in page
    assert "was March 7, 2026" in page and "Left a voicemail for the chief." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_due_on": "2026-03-01"}, "must be today or later"),
        ({"done_on": "2026-03-10"}, "cannot be dated in the future"),
        ({"method": "carrier pigeon"}, "Not a valid choice"),
        ({"new_due_on": ""}, "This field is required"),
    ],
)
def test_bad_follow_ups_change_nothing(
    session, login_as, app, monkeypatch, setup, changes, message
):
    _at(monkeypatch, app, datetime(2026, 3, 9, 15, tzinfo=UTC), "America/New_York")
    form = {"done_on": "2026-03-09", "method": "email", "note": "", "new_due_on": "2026-03-20"}
    url = f"/campaigns/{setup['campaign_slug']}/demands/{setup['mar7']}/follow-ups"
    r = login_as("member").post(url, data={**form, **changes})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(Demand, setup["mar7"]).due_on == date(2026, 3, 7)
    assert session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0


def test_no_follow_up_on_a_settled_demand(session, login_as, setup):
    session.get(Demand, setup["mar7"]).status = S.DENIED
    session.commit()
    today = local_today("America/New_York")
    url = f"/campaigns/{setup['campaign_slug']}/demands/{setup['mar7']}/follow-ups"
    form = {"done_on": today.isoformat(), "method": "email", "new_due_on": today.isoformat()}
    r = login_as("member").post(url, data=form)
    assert r.status_code == 400 and "nothing to follow up" in r.get_data(as_text=True)


def test_timeline_merges_everything_in_date_order(session, login_as, app, monkeypatch, setup):
    from campaign.responses.models import ResponseOutcome
    from tests.responses.factories import make_response

    _at(monkeypatch, app, datetime(2026, 3, 9, 15, tzinfo=UTC), "America/New_York")
    slug, did = setup["campaign_slug"], setup["mar7"]
    coordinator = create_actor(session)
    c = login_as("member")
    # history entered in the order it happened (a follow-up dated before a recorded move
    # is refused)
    c.post(f"/campaigns/{slug}/demands/{did}/follow-ups",
           data={"done_on": "2026-03-01", "method": "email", "note": "Reminder sent.",
                 "new_due_on": "2026-03-20"})  # fmt: skip
    make_response(
        session, demand=session.get(Demand, did), outcome=ResponseOutcome.MEETING_SCHEDULED,
        actor=coordinator, received_on=date(2026, 3, 2), summary="Chief agrees to meet.",
    )  # fmt: skip
    html = c.get(f"/campaigns/{slug}/demands/{did}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"') :]
    kinds = [chunk.split('"', 1)[0] for chunk in timeline.split('data-kind="')[1:]]
    # dated entries on their own days; the move a response made is dated the day the
    # response was received, just after it (issue 15, item 5)
    assert "follow_up" in kinds and kinds[kinds.index("response") + 1] == "status"
    assert timeline.index("Reminder sent.") < timeline.index("Chief agrees to meet.")
    assert timeline.index("Chief agrees to meet.") < timeline.index("Awaiting response → Meeting")


def test_overdue_lists_and_demand_page_run_a_fixed_number_of_queries(
    session, login_as, count_queries
):
    campaign = factories.create_campaign(session)
    user = create_actor(session)
    c = login_as("member")
    counts = {"one": [], "all": [], "detail": []}
    for n in (3, 150):
        ids = data.demands(
            session, campaign, data.agencies(session, n, prefix=f"O{n}"), due_on=date(2026, 1, 5)
        )
        data.follow_ups(session, ids, user.id)
        data.responses(session, campaign, ids[:1] * 1, user.id)
        session.commit()
        for key, url in (("one", f"/campaigns/{campaign.slug}/overdue"), ("all", "/overdue")):
            with count_queries() as q:
                assert c.get(url).status_code == 200
            counts[key].append(q.count)
        with count_queries() as q:
            assert c.get(f"/campaigns/{campaign.slug}/demands/{ids[0]}").status_code == 200
        counts["detail"].append(q.count)
    for key, (small, large) in counts.items():
        assert small == large, (key, counts)
