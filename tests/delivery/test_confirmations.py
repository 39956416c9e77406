"""Actions with big consequences say what they will do (counts) and ask once, on a page of
their own that works without JavaScript: closing a letter, marking it sent, bulk approval
(probable duplicates left out unless ticked). "Stop collecting" is in test_addendum."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.delivery.models import LetterDelivery
from campaign.letters.models import Letter, LetterStatus
from campaign.signons.models import SignOn, SignOnStatus
from tests.delivery.factories import add_signon, delivery_form, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base

S = SignOnStatus


def _flat(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def _sent(session, letter_id) -> list[LetterDelivery]:
    session.expire_all()
    return list(
        session.scalars(sa.select(LetterDelivery).where(LetterDelivery.letter_id == letter_id))
    )


def test_closing_a_letter_says_what_it_does_and_asks_once(session, login_as):
    letter = make_letter(session)
    make_signon(session, letter, status=S.APPROVED)
    make_signon(session, letter)  # awaiting review
    make_signon(session, letter, status=S.PENDING)
    make_signon(session, letter, status=S.PENDING)
    coordinator = login_as("coordinator")
    status_url = url(letter).replace("/delivery", "/status")
    asked = coordinator.post(status_url, data={"status": "closed"})
    assert asked.status_code == 200
    html = _flat(asked)
    assert "Close the letter to new sign-ons?" in html
    assert "The deadline is still ahead" in html
    assert "<strong>2</strong> organizations signed so far (1 approved, 1 awaiting review)" in html
    assert "<strong>2</strong> sign-ons awaiting their signer's email confirmation" in html
    assert reload(session, letter).status == LetterStatus.OPEN  # asking changes nothing
    done = coordinator.post(status_url, data={"status": "closed", "confirmed": "1"})
    assert done.status_code == 302
    assert reload(session, letter).status == LetterStatus.CLOSED


def test_mark_as_sent_says_what_it_freezes_and_leaves_out_then_asks_once(session, login_as):
    letter = make_letter(session)  # open, deadline two weeks ahead
    add_signon(session, letter, "Named Network")
    add_signon(session, letter, "Quiet Fund", listed=False)
    add_signon(session, letter, "Pending Partner", status=S.PENDING)
    make_signon(session, letter, org_name="Unreviewed Union")
    letter_id = letter.id
    coordinator = login_as("coordinator")
    form = delivery_form(sent_on="2026-05-18", after="close")
    asked = coordinator.post(url(letter, "/send"), data=form)
    assert asked.status_code == 200
    html = _flat(asked)
    assert "Mark as sent with 2 organizations?" in html
    assert "<strong>1</strong> organization named, <strong>1</strong> counted without" in html
    assert "The sign-on deadline is still ahead" in html
    assert "<strong>1</strong> sign-on still awaiting their signer's email confirmation" in html
    assert "<strong>1</strong> confirmed sign-on not yet approved" in html
    assert "closing the letter leaves them out for good" in html
    assert _sent(session, letter_id) == []
    assert reload(session, letter).status == LetterStatus.OPEN
    # the page carries what it showed; confirming other numbers asks again
    shown = dict(re.findall(r'name="(expected|after|confirmed)" value="([^"]*)"', html))
    assert shown == {"after": "close", "confirmed": "1", "expected": "1-1-0-1-1-1"}
    add_signon(session, letter, "Approved Meanwhile")
    stale = coordinator.post(url(letter, "/send"), data={**form, **shown})
    assert stale.status_code == 409
    assert "The sign-ons changed since you looked" in _flat(stale)
    assert "Mark as sent with 3 organizations?" in _flat(stale)
    assert _sent(session, letter_id) == []
    shown = dict(re.findall(r'name="(expected|after|confirmed)" value="([^"]*)"', _flat(stale)))
    done = coordinator.post(url(letter, "/send"), data={**form, **shown})
    assert done.status_code == 302
    [delivery] = _sent(session, letter_id)
    assert delivery.signatory_count == 3
    letter = session.get(Letter, letter_id)
    assert letter.status == LetterStatus.SENT and not letter.keeps_collecting


def test_bulk_approval_shows_its_counts_and_leaves_probable_duplicates_out_unless_ticked(
    session, login_as
):
    letter = make_letter(session)
    original = make_signon(
        session, letter, org_name="Texas Civil Rights Project", status=S.APPROVED
    )
    plain = [make_signon(session, letter, org_name=f"Plain Org {i}").id for i in range(3)]
    flagged = [
        make_signon(session, letter, org_name=name, probable_duplicate_of_id=original.id).id
        for name in ("Texas Civil Rights Proj", "Texas Civil Right Project")
    ]
    coordinator = login_as("coordinator")
    bulk_url = base(session, letter) + "/bulk-approve"
    asked = coordinator.post(bulk_url, data={"scope": "all"})
    assert asked.status_code == 200
    html = _flat(asked)
    assert "Approve 3 sign-ons?" in html
    assert "2 flagged as probable duplicates: left out unless ticked" in html
    assert "Texas Civil Rights Proj" in html and "probable duplicate of" in html
    assert 'name="flagged_ids"' in html
    assert not re.search(r'name="flagged_ids"[^>]*checked', html)
    assert {s.status for s in session.scalars(sa.select(SignOn))} == {S.APPROVED, S.CONFIRMED}
    statuses = lambda ids: {session.get(SignOn, i).status for i in ids}  # noqa: E731
    session.expire_all()
    assert statuses(plain) == {S.CONFIRMED}
    # confirmed, one duplicate ticked
    done = coordinator.post(
        bulk_url,
        data={"scope": "all", "confirmed": "1", "expected": "3", "expected_flagged": "2",
              "flagged_ids": [str(flagged[0])]},
    )  # fmt: skip
    assert done.status_code == 302
    message = _flat(coordinator.get(done.headers["Location"]))
    assert "4 sign-ons approved. 1 probable duplicate left out (not ticked)." in message
    session.expire_all()
    assert statuses(plain) == {S.APPROVED}
    assert session.get(SignOn, flagged[0]).status == S.APPROVED
    assert session.get(SignOn, flagged[1]).status == S.CONFIRMED


def test_a_bulk_approval_confirmed_on_other_numbers_asks_again(session, login_as):
    letter = make_letter(session)
    first = make_signon(session, letter).id
    coordinator = login_as("coordinator")
    bulk_url = base(session, letter) + "/bulk-approve"
    make_signon(session, letter)  # arrived after the page was shown
    again = coordinator.post(bulk_url, data={"scope": "all", "confirmed": "1", "expected": "1",
                                             "expected_flagged": "0"})  # fmt: skip
    assert again.status_code == 409
    assert "The sign-ons changed since you looked" in _flat(again)
    session.expire_all()
    assert session.get(SignOn, first).status == S.CONFIRMED
