"""The dashboard's figures against a dataset with known numbers; its query count."""

import re
from datetime import UTC, date, datetime

import pytest

from campaign.core import clock
from campaign.demands.models import DemandStatus
from campaign.letters.models import LetterStatus
from campaign.responses.models import ResponseOutcome
from campaign.responses.services import reject_response
from campaign.signons.models import Level, SignOnStatus
from tests import factories
from tests.demands.factories import create_actor, create_agency
from tests.letters.factories import make_letter
from tests.responses import data
from tests.responses.factories import make_response

S = DemandStatus
C, A = SignOnStatus.CONFIRMED, SignOnStatus.APPROVED


def _at(*args):
    return datetime(*args, tzinfo=UTC)


NOW = _at(2026, 5, 4, 15, 0)  # May 4 in New York

# state -> statuses of the campaign's demands there (FL's awaiting one is overdue)
DEMANDS = {
    "FL": [S.AWAITING_RESPONSE, S.MET],
    "TX": [S.MET, S.DENIED],
    "GA": [S.MEETING_SCHEDULED, S.PARTIALLY_MET],
    "AZ": [S.DRAFT],
    "NC": [S.WITHDRAWN],
    "CA": [S.SENT],
    "TN": [S.RENEWED, S.PARTIALLY_MET],
    "PR": [S.PARTIALLY_MET, S.MET],
    "OK": [S.MET],
}
EXPECTED_TILES = {
    "FL": "overdue",
    "TX": "denied",
    "GA": "meeting-scheduled",
    "AZ": "none",  # drafts were never delivered
    "NC": "withdrawn",
    "CA": "awaiting",
    "TN": "renewed",
    "PR": "partially-met",
    "OK": "met",
    "WA": "none",  # only another campaign's (overdue) demand
    "NY": "none",
}


@pytest.fixture
def dataset(session, app, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    monkeypatch.setitem(app.config, "TIMEZONE", "America/New_York")
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor, name="Dashboard campaign")
    sent = make_letter(session, campaign=campaign, status=LetterStatus.SENT)
    open_ = make_letter(session, campaign=campaign)
    data.signons(session, sent, [
        (Level.STATE, C, _at(2026, 5, 1, 15), "a@x.org", False),
        # 23:30 on May 1 in New York (EDT): May 1, though May 2 in UTC
        (Level.LOCAL, A, _at(2026, 5, 2, 3, 30), "b@x.org", False),
        # 00:30 on May 2 in New York
        (Level.NATIONAL, A, _at(2026, 5, 2, 4, 30), "c@x.org", False),
        (Level.LOCAL, SignOnStatus.PENDING, None, "d@x.org", False),
        (Level.LOCAL, SignOnStatus.REJECTED, _at(2026, 5, 2, 15), "e@x.org", False),
    ])  # fmt: skip
    data.signons(session, open_, [
        (Level.LOCAL, C, _at(2026, 5, 3, 12), "f@x.org", False),
        (Level.STATE, SignOnStatus.WITHDRAWN, _at(2026, 5, 3, 12), "g@x.org", False),
    ])  # fmt: skip
    other = factories.create_campaign(session, actor=actor, name="Other campaign")
    foreign = make_letter(session, campaign=other)
    data.signons(session, foreign, [
        (Level.NATIONAL, C, _at(2026, 5, 3, 12), "h@x.org", False),
    ])  # fmt: skip
    first_demand = None
    for state, statuses in DEMANDS.items():
        for status in statuses:
            agency = create_agency(session, state=state)
            due = date(2026, 5, 1) if state == "FL" else date(2026, 5, 10)
            (did,) = data.demands(session, campaign, [agency.id], status=status, due_on=due)
            first_demand = first_demand or did
    data.demands(session, other, [create_agency(session, state="WA").id], due_on=date(2026, 4, 1))
    session.commit()
    from campaign.demands.models import Demand

    demand = session.get(Demand, first_demand)
    make_response(session, demand=demand, actor=actor, received_on=date(2026, 5, 2),
                  summary="Older approved answer.")  # fmt: skip
    make_response(session, demand=demand, actor=actor, received_on=date(2026, 5, 3),
                  summary="Newer approved answer.", outcome=ResponseOutcome.NONE)  # fmt: skip
    make_response(session, letter=sent, summary="Pending answer.")
    rejected = make_response(session, letter=sent, summary="Rejected answer.")
    reject_response(session, rejected, reason="Not an answer.", actor=actor)
    session.commit()
    return campaign.slug


def _figure(html, element_id):
    return int(re.search(rf'id="{element_id}">(\d+)<', html).group(1))


def test_dashboard_figures(login_as, dataset):
    page = login_as("member").get(f"/campaigns/{dataset}/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _figure(html, "signons-total") == 4
    assert _figure(html, "signons-national") == 1
    assert _figure(html, "signons-state") == 1
    assert _figure(html, "signons-local") == 2
    days = dict(re.findall(r'data-date="([\d-]+)" data-value="(\d+)"', html))
    assert days == {"2026-05-01": "2", "2026-05-02": "1", "2026-05-03": "1", "2026-05-04": "0"}
    assert _figure(html, "demands-total") == 14
    assert _figure(html, "demands-overdue") == 1
    expected = {
        "draft": 1, "sent": 1, "acknowledged": 0, "awaiting_response": 1, "meeting_scheduled": 1,
        "partially_met": 3, "met": 4, "denied": 1, "renewed": 1, "withdrawn": 1,
    }  # fmt: skip
    for status, n in expected.items():
        assert _figure(html, f"status-{status}") == n, status
    for state, category in EXPECTED_TILES.items():
        classes = re.search(rf'class="([^"]*)" data-state="{state}"', html).group(1).split()
        assert f"tile-cat-{category}" in classes, (state, classes)
        href = re.search(rf'<a href="([^"]*)" class="[^"]*" data-state="{state}"', html).group(1)
        assert href == f"/campaigns/{dataset}/demands?state={state}"
    recent = html[html.index('id="recent-responses"') :]
    assert recent.index("Newer approved answer.") < recent.index("Older approved answer.")
    assert "Pending answer." not in recent and "Rejected answer." not in recent


def test_a_state_link_lists_that_states_demands(login_as, dataset):
    html = login_as("member").get(f"/campaigns/{dataset}/demands?state=GA").get_data(as_text=True)
    assert html.count("Test Police Department") == 2


def test_campaign_page_links_to_the_dashboard(login_as, dataset):
    html = login_as("member").get(f"/campaigns/{dataset}").get_data(as_text=True)
    assert f'href="/campaigns/{dataset}/dashboard"' in html


def test_empty_dashboard(login_as, make_campaign):
    campaign = make_campaign(name="Nothing yet")
    html = login_as("member").get(f"/campaigns/{campaign.slug}/dashboard").get_data(as_text=True)
    assert _figure(html, "signons-total") == 0 and "No sign-ons" in html
    assert "No approved responses yet." in html


def test_dashboard_runs_a_fixed_number_of_queries(session, login_as, count_queries):
    campaign = factories.create_campaign(session)
    user = create_actor(session)
    letter = make_letter(session, campaign=campaign)
    c = login_as("member")
    counts = []
    for n in (3, 300):
        ids = data.demands(session, campaign, data.agencies(session, n, prefix=f"D{n}"),
                           due_on=date(2026, 1, 1))  # fmt: skip
        data.responses(session, campaign, ids, user.id)
        data.signons(session, letter, [
            (Level.LOCAL, C, _at(2026, 1, 1 + i % 28, i % 24),
             f"s{i}@x.org", False)
            for i in range(n)
        ])  # fmt: skip
        session.commit()
        with count_queries() as q:
            assert c.get(f"/campaigns/{campaign.slug}/dashboard").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
