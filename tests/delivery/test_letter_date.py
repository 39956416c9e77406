"""The date on the letter: today by default, a date the coordinator chooses for the draft,
and the day it was sent for a delivery, frozen."""

from __future__ import annotations

from datetime import date

from campaign.delivery.models import LetterDelivery, LetterPrintOptions
from campaign.delivery.snapshot import letter_today, snapshot_for
from campaign.letters.models import LetterStatus
from campaign.printing import LetterSnapshot, render_pdf
from tests.delivery.factories import add_signon, delivery_form, send, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.printing.conftest import STATIC, needs_poppler, pdftotext, squash


def _options(**kw) -> dict:
    return {"grouping": "state", "columns": "3", "show_places": "y", **kw}


def test_the_draft_is_dated_today_unless_a_date_is_chosen(session, login_as):
    letter = make_letter(session)
    assert snapshot_for(session, letter).date == letter_today(letter)
    coordinator = login_as("coordinator")
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert 'name="dated_on"' in page and "Date on the letter" in page
    response = coordinator.post(url(letter), data=_options(dated_on="2023-06-20"))
    assert response.status_code == 302, response.get_data(as_text=True)
    letter = reload(session, letter)
    assert session.get(LetterPrintOptions, letter.id).dated_on == date(2023, 6, 20)
    assert snapshot_for(session, letter).date == date(2023, 6, 20)
    assert 'value="2023-06-20"' in coordinator.get(url(letter)).get_data(as_text=True)
    # emptied: today again
    coordinator.post(url(letter), data=_options(dated_on=""))
    assert snapshot_for(session, reload(session, letter)).date == letter_today(letter)


def test_a_bad_date_is_a_field_error_and_changes_nothing(session, login_as):
    letter = make_letter(session)
    coordinator = login_as("coordinator")
    response = coordinator.post(url(letter), data=_options(dated_on="20 June"))
    assert response.status_code == 400
    assert "Not a valid date value." in response.get_data(as_text=True)
    assert session.get(LetterPrintOptions, letter.id) is None


@needs_poppler
def test_the_draft_pdf_prints_the_chosen_date(session, login_as, tmp_path):
    letter = make_letter(session)
    add_signon(session, letter, "Austin Justice Alliance", city="Austin")
    login_as("coordinator").post(url(letter), data=_options(dated_on="2023-06-20"))
    snapshot = snapshot_for(session, reload(session, letter))
    text = pdftotext(render_pdf(snapshot, static_dir=STATIC, upload_store=None), tmp_path)
    assert squash("June 20, 2023") in squash(text)


def test_a_delivery_keeps_the_day_it_was_sent(session, login_as):
    letter = make_letter(session, status=LetterStatus.CLOSED)
    add_signon(session, letter, "Austin Justice Alliance", city="Austin")
    coordinator = login_as("coordinator")
    coordinator.post(url(letter), data=_options(dated_on="2023-06-20"))
    response = send(coordinator, url(letter, "/send"), delivery_form(sent_on="2023-06-23"))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    delivery = session.query(LetterDelivery).filter_by(letter_id=letter.id).one()
    assert LetterSnapshot.from_json(delivery.snapshot_json).date == date(2023, 6, 23)
