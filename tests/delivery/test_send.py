"""Mark as sent: a frozen delivery that never changes; addenda of the late sign-ons only."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.delivery import rendering
from campaign.delivery.models import (
    DeliveryKind,
    LetterDelivery,
    LetterDeliverySignOn,
    LetterPrintOptions,
)
from campaign.letters.models import LetterStatus, LetterVersion
from campaign.printing import LetterSnapshot
from campaign.printing.pdf import long_date
from campaign.signons.models import SignOnStatus
from tests.delivery.factories import add_signon, delivery_form, send, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.printing.conftest import needs_poppler, pdftotext, squash


def _deliveries(session, letter):
    session.expire_all()
    return list(
        session.scalars(
            sa.select(LetterDelivery)
            .where(LetterDelivery.letter_id == letter.id)
            .order_by(LetterDelivery.sequence)
        )
    )


def _pdf_url(letter, delivery):
    return url(letter).replace("/delivery", f"/deliveries/{delivery.id}/pdf")


def _letter_url(letter):
    return url(letter).removesuffix("/delivery")


@pytest.fixture
def sent(session, login_as):
    """A closed letter with two approved sign-ons (one count-only), marked as sent."""
    letter = make_letter(session, status=LetterStatus.CLOSED)
    a = add_signon(session, letter, "Austin Justice Alliance", city="Austin")
    b = add_signon(session, letter, "Silent Partner Fund", listed=False, state="NM")
    add_signon(session, letter, "Pending People", status=SignOnStatus.PENDING)
    coordinator = login_as("coordinator")
    response = send(coordinator, url(letter, "/send"), delivery_form(sent_on="2026-05-18"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [delivery] = _deliveries(session, letter)
    return letter, delivery, coordinator, (a, b)


def test_mark_as_sent_freezes_text_version_list_and_pdf(session, sent, login_as):
    letter, delivery, coordinator, (a, b) = sent
    assert reload(session, letter).status == LetterStatus.SENT
    assert delivery.kind == DeliveryKind.LETTER and delivery.sequence == 0
    assert delivery.sent_on == date(2026, 5, 18)
    assert delivery.method.value == "email" and delivery.recipients.startswith("Office")
    assert delivery.version_number == 1 and delivery.signatory_count == 2
    snapshot = LetterSnapshot.from_json(delivery.snapshot_json)
    assert [s.name for s in snapshot.signatories] == [a.org_name, b.org_name]
    assert snapshot.date == date(2026, 5, 18)
    linked = set(
        session.scalars(
            sa.select(LetterDeliverySignOn.sign_on_id).where(
                LetterDeliverySignOn.delivery_id == delivery.id
            )
        )
    )
    assert linked == {a.id, b.id}
    download = coordinator.get(_pdf_url(letter, delivery))
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert hashlib.sha256(download.data).hexdigest() == delivery.pdf_sha256
    assert len(download.data) == delivery.pdf_size
    assert download.headers["Content-Disposition"].startswith("attachment;")
    # the sha256 is on the Print & send page and on the letter page
    assert delivery.pdf_sha256 in coordinator.get(url(letter)).get_data(as_text=True)
    assert delivery.pdf_sha256 in coordinator.get(_letter_url(letter)).get_data(as_text=True)
    actions = set(
        session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.entity == "letter", AuditEvent.entity_id == letter.id
            )
        )
    )
    assert {"letter.deliver", "letter.status"} <= actions


def test_the_sent_pdf_never_changes(session, sent):
    letter, delivery, coordinator, (a, _b) = sent
    first = coordinator.get(_pdf_url(letter, delivery)).data
    # later: a new sign-on, an edit of the text, a merge, a withdrawal, new print options
    add_signon(session, letter, "Late Comers United")
    letter = reload(session, letter)
    session.add(LetterVersion(letter_id=letter.id, number=2, body="Rewritten.", sha256="0" * 64))
    letter.body, letter.title = "Rewritten.", "A new title"
    reload(session, a).status = SignOnStatus.MERGED
    session.add(LetterPrintOptions(letter_id=letter.id, grouping="alpha", columns=2))
    session.commit()
    # and even a status change made behind the lifecycle's back
    reload(session, letter).status = LetterStatus.CLOSED
    session.commit()
    again = coordinator.get(_pdf_url(letter, delivery)).data
    assert again == first
    assert hashlib.sha256(again).hexdigest() == delivery.pdf_sha256
    frozen = _deliveries(session, letter)[0]
    assert frozen.snapshot_json == delivery.snapshot_json
    assert frozen.version_number == 1


def test_members_download_the_sent_pdf_but_not_drafts(session, sent, login_as, client):
    letter, delivery, _coordinator, _ = sent
    member = login_as("member")
    assert member.get(_pdf_url(letter, delivery)).status_code == 200
    assert member.get(url(letter)).status_code == 403
    assert member.get(url(letter, "/draft/pdf")).status_code == 403
    assert member.post(url(letter, "/render/pdf")).status_code == 403
    assert member.post(url(letter, "/addendum"), data=delivery_form()).status_code == 403
    page = member.get(_letter_url(letter)).get_data(as_text=True)
    assert delivery.pdf_sha256 in page and "Print &amp; send" not in page
    anonymous = client.get(_pdf_url(letter, delivery))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_another_letters_delivery_is_404(session, sent, login_as):
    letter, delivery, coordinator, _ = sent
    other = make_letter(session)
    assert coordinator.get(_pdf_url(other, delivery)).status_code == 404
    assert coordinator.get(_pdf_url(letter, delivery).replace(
        f"/deliveries/{delivery.id}/", "/deliveries/999999/")).status_code == 404  # fmt: skip


def test_marking_as_sent_twice_is_refused(session, sent):
    letter, _delivery, coordinator, _ = sent
    again = send(coordinator, url(letter, "/send"), delivery_form())
    assert again.status_code == 400
    assert "already marked as sent" in again.get_data(as_text=True)
    assert len(_deliveries(session, letter)) == 1


def test_a_draft_cannot_be_sent(session, login_as):
    letter = make_letter(session, status=LetterStatus.DRAFT)
    coordinator = login_as("coordinator")
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "A draft cannot be sent" in page and "Mark as sent</button>" not in page
    response = send(coordinator, url(letter, "/send"), delivery_form())
    assert response.status_code == 400
    assert "Only an open or closed letter" in response.get_data(as_text=True)
    assert reload(session, letter).status == LetterStatus.DRAFT
    assert _deliveries(session, letter) == []


def test_an_open_letter_is_closed_then_sent(session, login_as):
    letter = make_letter(session)
    add_signon(session, letter, "Open Door Group")
    coordinator = login_as("coordinator")
    assert send(coordinator, url(letter, "/send"), delivery_form()).status_code == 302
    moves = [
        (e.details["old"], e.details["new"])
        for e in session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "letter.status", AuditEvent.entity_id == letter.id)
            .order_by(AuditEvent.id)
        )
    ]
    assert moves[-2:] == [("open", "closed"), ("closed", "sent")]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"sent_on": (date.today() + timedelta(days=5)).isoformat()}, "cannot be in the future"),
        ({"recipients": "   "}, "This field is required"),
        ({"method": "carrier pigeon"}, "Not a valid choice"),
        ({"sent_on": "2026-02-30"}, "Not a valid date value"),
    ],
)
def test_bad_details_store_nothing(session, login_as, change, message):
    letter = make_letter(session, status=LetterStatus.CLOSED)
    coordinator = login_as("coordinator")
    response = send(coordinator, url(letter, "/send"), delivery_form(**change))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _deliveries(session, letter) == []
    assert reload(session, letter).status == LetterStatus.CLOSED


def test_a_finished_render_of_the_same_snapshot_is_reused(session, login_as, monkeypatch):
    letter = make_letter(session, status=LetterStatus.CLOSED)
    add_signon(session, letter, "Reuse Alliance")
    coordinator = login_as("coordinator")
    coordinator.post(url(letter, "/render/pdf"))
    draft = coordinator.get(url(letter, "/draft/pdf")).data

    def no_render(*args, **kw):
        raise AssertionError("rendered again")

    from campaign.delivery import services

    monkeypatch.setattr(services, "render_bytes", no_render)
    monkeypatch.setattr(rendering, "render_bytes", no_render)
    today = services.default_sent_on(reload(session, letter)).isoformat()
    response = send(coordinator, url(letter, "/send"), delivery_form(sent_on=today))
    assert response.status_code == 302
    [delivery] = _deliveries(session, letter)
    assert delivery.pdf_sha256 == hashlib.sha256(draft).hexdigest()


@needs_poppler
def test_the_addendum_holds_only_the_late_sign_ons(session, sent, tmp_path):
    letter, first, coordinator, _ = sent
    add_signon(session, letter, "Late Arrivals Coalition", city="El Paso")
    add_signon(session, letter, "Late Quiet Friends", listed=False, state="AZ")
    add_signon(session, letter, "Late Pending Project", status=SignOnStatus.PENDING)
    add_signon(session, letter, "Late Rejected League", status=SignOnStatus.REJECTED)
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "2 sign-ons approved since the last delivery" in page
    response = coordinator.post(url(letter, "/addendum"), data=delivery_form(method="mail"))
    assert response.status_code == 302, response.get_data(as_text=True)
    _, addendum = _deliveries(session, letter)
    assert addendum.kind == DeliveryKind.ADDENDUM and addendum.sequence == 1
    assert addendum.signatory_count == 2
    snapshot = LetterSnapshot.from_json(addendum.snapshot_json)
    assert snapshot.list_only
    assert snapshot.list_heading == f"Additional signatories since {long_date(date(2026, 5, 18))}"
    pdf = coordinator.get(_pdf_url(letter, addendum)).data
    assert hashlib.sha256(pdf).hexdigest() == addendum.pdf_sha256
    text = squash(pdftotext(pdf, tmp_path))
    assert squash("Additional signatories since May 18, 2026") in text
    assert squash("Late Arrivals Coalition") in text
    for absent in ("Austin Justice Alliance", "Silent Partner Fund", "Late Quiet Friends",
                   "Late Pending Project", "Late Rejected League", "We urge you"):  # fmt: skip
        assert squash(absent) not in text, absent
    assert squash("1 further organization signed and asked not to be listed") in text
    # the letter's own PDF is untouched
    assert (
        hashlib.sha256(coordinator.get(_pdf_url(letter, first)).data).hexdigest()
        == first.pdf_sha256
    )
    # nothing new now: a second addendum is refused
    again = coordinator.post(url(letter, "/addendum"), data=delivery_form())
    assert again.status_code == 400
    assert "nothing to add" in again.get_data(as_text=True)
    assert len(_deliveries(session, letter)) == 2


def test_an_addendum_needs_a_sent_letter(session, login_as):
    letter = make_letter(session, status=LetterStatus.CLOSED)
    add_signon(session, letter, "Eager Org")
    coordinator = login_as("coordinator")
    response = coordinator.post(url(letter, "/addendum"), data=delivery_form())
    assert response.status_code == 400
    assert "mark the letter as sent first" in response.get_data(as_text=True)


def test_an_addendum_with_nothing_new_is_refused(session, sent):
    letter, _first, coordinator, _ = sent
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "No sign-on was approved since the last delivery" in page
    response = coordinator.post(url(letter, "/addendum"), data=delivery_form())
    assert response.status_code == 400
    assert "nothing to add" in response.get_data(as_text=True)
