"""One signer's real use, replayed end to end with mail through a real SMTP server:
sign, confirm from the mail, correct the title through the manage link, the coordinator
applies it, the letter is delivered, the signer withdraws, the addendum lists it and the
frozen delivery does not change."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa

from campaign.delivery.models import LetterDelivery
from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from campaign.manage.models import Correction
from campaign.signons.models import SignOnStatus
from tests.delivery.factories import delivery_form, send, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.printing.conftest import needs_poppler, pdftotext, squash
from tests.review.helpers import base
from tests.signons.helpers import path_of, sign, signons

LINK = re.compile(r"https?://\S+")


def _deliver(worker_sessions, smtp_server):
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    deliver_due(worker_sessions, transport, "coalition@example.org")


def _mail_to(smtp_server, to: str, subject_starts: str):
    found = [m for m in smtp_server.messages
             if m["To"] == to and m["Subject"].startswith(subject_starts)]  # fmt: skip
    assert found, [m["Subject"] for m in smtp_server.messages]
    return found[-1].get_body(("plain",)).get_content()


def _deliveries(session, letter):
    session.expire_all()
    return list(session.scalars(sa.select(LetterDelivery).where(
        LetterDelivery.letter_id == letter.id).order_by(LetterDelivery.sequence)))  # fmt: skip


@needs_poppler
def test_sign_confirm_correct_deliver_withdraw(
    client, session, login_as, smtp_server, worker_sessions, tmp_path
):
    letter = make_letter(session)
    signer = "director@riograndejustice.org"
    assert sign(client, letter, org_name="Rio Grande Justice Project", signer_email=signer,
                website="https://www.riograndejustice.org", signer_title="Directr"
                ).status_code == 302  # fmt: skip
    _deliver(worker_sessions, smtp_server)
    confirm = LINK.search(_mail_to(smtp_server, signer, "Please confirm")).group(0)
    assert client.get(path_of(confirm)).status_code == 200
    assert client.post(path_of(confirm)).status_code == 302
    (signon,) = signons(session, letter)
    assert signon.status == SignOnStatus.CONFIRMED
    assert signon.verification is not None  # the address is at the website's domain

    # the confirmation mail carries the personal manage link
    _deliver(worker_sessions, smtp_server)
    manage = path_of(
        LINK.search(_mail_to(smtp_server, signer, "Your sign-on is confirmed")).group(0)
    )
    page = client.get(manage).get_data(as_text=True)
    assert "Rio Grande Justice Project" in page and "Directr" in page
    response = client.post(manage + "/correct", data={
        "signer_name": "Ana Pérez", "signer_title": "Director", "listing": "list"})  # fmt: skip
    assert response.status_code == 302

    # the coordinator sees the correction on the sign-on's page and applies it
    coordinator = login_as("coordinator")
    detail = f"{base(session, letter)}/{signon.id}"
    assert "“Directr” → “<strong>Director</strong>”" in coordinator.get(detail).get_data(
        as_text=True)  # fmt: skip
    correction = session.scalar(sa.select(Correction))
    assert coordinator.post(f"{detail}/corrections/{correction.id}/apply").status_code == 302
    assert coordinator.post(f"{detail}/approve").status_code == 302
    signon = reload(session, signon)
    assert signon.signer_title == "Director" and signon.status == SignOnStatus.APPROVED

    # delivered (the letter keeps collecting for addenda)
    response = send(coordinator, url(letter, "/send"), delivery_form(sent_on="2026-05-18"))
    assert response.status_code == 302, response.get_data(as_text=True)
    (first,) = _deliveries(session, letter)
    frozen = coordinator.get(url(letter).replace("/delivery", f"/deliveries/{first.id}/pdf")).data
    frozen_sha = hashlib.sha256(frozen).hexdigest()
    assert squash("Rio Grande Justice Project") in squash(pdftotext(frozen, tmp_path))

    # after delivery: no more corrections, but the signer may withdraw
    page = client.get(manage).get_data(as_text=True)
    assert "Delivered on" in page and "Send the correction" not in page
    late = {"signer_name": "Ana", "signer_title": "X", "listing": "list"}
    assert client.post(manage + "/correct", data=late).status_code == 400
    assert client.post(manage + "/withdraw").status_code == 302
    signon = reload(session, signon)
    assert signon.status == SignOnStatus.WITHDRAWN and signon.withdrawn_on is not None

    # the next addendum lists the withdrawal; the frozen delivery never changes
    addendum_form = delivery_form(sent_on=signon.withdrawn_on.isoformat())
    response = coordinator.post(url(letter, "/addendum"), data=addendum_form)
    assert response.status_code == 302, response.get_data(as_text=True)
    first_again, addendum = _deliveries(session, letter)
    text = squash(pdftotext(
        coordinator.get(url(letter).replace("/delivery", f"/deliveries/{addendum.id}/pdf")).data,
        tmp_path))  # fmt: skip
    assert squash("Withdrawn since May 18, 2026") in text
    assert squash("Rio Grande Justice Project") in text
    again = coordinator.get(url(letter).replace("/delivery", f"/deliveries/{first.id}/pdf")).data
    assert hashlib.sha256(again).hexdigest() == frozen_sha == first_again.pdf_sha256
    assert "withdr" not in pdftotext(again, tmp_path).lower()
