"""Pending work for coordinators (issue 14, item 13): member responses awaiting approval,
sign-ons awaiting review and re-confirmations due, counted on the campaign page, in the
navigation and on the to-do page, each in a fixed number of queries."""

import re

import pytest

from campaign.campaigns.models import Campaign
from campaign.letters.models import LetterStatus, LetterVersion
from campaign.signons.models import SignOnStatus
from campaign.worklist import services
from tests.letters.factories import make_letter
from tests.responses.factories import make_response
from tests.review.factories import bulk_signons, make_signon

A, C = SignOnStatus.APPROVED, SignOnStatus.CONFIRMED


@pytest.fixture
def world(session):
    letter = make_letter(session, title="End 287(g) in Florida")
    campaign = session.get(Campaign, letter.campaign_id)
    v1 = letter_version(session, letter, 1)
    make_signon(session, letter, org_name="Approved Early", status=A, version_id=v1)
    make_signon(session, letter, org_name="Confirmed Early", status=C, version_id=v1)
    session.add(LetterVersion(letter_id=letter.id, number=2, body="Changed", sha256="2" * 64,
                              material=True))  # fmt: skip
    session.commit()
    make_signon(session, letter, org_name="Confirmed Late", status=C)
    make_signon(session, letter, org_name="Approved Late", status=A)
    make_signon(session, letter, org_name="Still Pending", status=SignOnStatus.PENDING)
    make_response(session, letter=letter)  # by a member: waits for approval
    # a sent letter's sign-ons are frozen: nothing to do there
    sent = make_letter(session, campaign=campaign, status=LetterStatus.SENT)
    make_signon(session, sent, org_name="Frozen", status=C)
    other = make_letter(session, title="Another campaign's letter")
    make_response(session, letter=other)
    return {"campaign": campaign, "letter": letter, "other": other}


def letter_version(session, letter, number) -> int:
    return session.scalars(
        LetterVersion.__table__.select()
        .with_only_columns(LetterVersion.id)
        .where(LetterVersion.letter_id == letter.id, LetterVersion.number == number)
    ).one()


def test_the_counts(session, world):
    mine = services.pending(session, world["campaign"].id)
    assert (mine.responses, mine.signons, mine.reconfirm) == (1, 2, 2)
    assert services.pending(session).total == 6  # and the other campaign's response
    (row,) = services.pending_by_letter(session, world["campaign"].id)
    assert (row.letter.id, row.signons, row.reconfirm) == (world["letter"].id, 2, 2)
    per_campaign = services.pending_by_campaign(session)
    assert per_campaign[world["campaign"].id] == mine
    assert per_campaign[world["other"].campaign_id].total == 1


def test_the_campaign_page_and_the_navigation_show_them(login_as, world):
    c = login_as("coordinator")
    slug, letter = world["campaign"].slug, world["letter"]
    html = c.get(f"/campaigns/{slug}").get_data(as_text=True)
    section = html[html.index('id="waiting"') :]
    assert re.search(r'id="waiting-responses">1<', section)
    assert re.search(rf'id="waiting-signons-{letter.id}">2<', section)
    assert re.search(rf'id="waiting-reconfirm-{letter.id}">2<', section)
    assert f"/campaigns/{slug}/responses?status=pending" in section
    assert f"/campaigns/{slug}/letters/{letter.id}/signons?status=confirmed" in section
    assert f"/campaigns/{slug}/letters/{letter.id}/signons?reconfirm=1" in section
    assert re.search(r'id="nav-pending">6<', html)
    todo = c.get("/todo").get_data(as_text=True)
    assert world["campaign"].name in todo and world["other"].title not in todo
    # members see neither (the work is a coordinator's)
    member = login_as("member").get(f"/campaigns/{slug}").get_data(as_text=True)
    assert 'id="waiting"' not in member and "nav-pending" not in member


def test_a_campaign_with_nothing_waiting_says_so(login_as, make_campaign):
    campaign = make_campaign()
    html = login_as("coordinator").get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "Waiting for you" in html and "Nothing: no responses to approve" in html
    assert "nav-pending" not in html


def test_the_counts_cost_a_fixed_number_of_queries(session, login_as, count_queries, world):
    with count_queries() as q:
        services.pending(session)
    assert q.count == 1
    c = login_as("coordinator")
    slug, letter = world["campaign"].slug, world["letter"]
    c.get(f"/campaigns/{slug}")  # warm the login

    def queries() -> list[int]:
        counts = []
        for url in (f"/campaigns/{slug}", "/todo", "/campaigns"):
            with count_queries() as q:
                assert c.get(url).status_code == 200
            counts.append(q.count)
        return counts

    few = queries()
    bulk_signons(session, letter, 300)  # confirmed, approved and pending ones
    for _ in range(5):
        make_response(session, letter=letter)
    many = queries()
    assert few == many
    html = c.get(f"/campaigns/{slug}").get_data(as_text=True)
    assert re.search(rf'id="waiting-signons-{letter.id}">102<', html)
