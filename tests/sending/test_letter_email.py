"""Send the letter by email: frozen, the PDF attached byte for byte, a receipt per recipient."""

from __future__ import annotations

import hashlib
from email.utils import parseaddr

import sqlalchemy as sa

from campaign.campaigns.models import Campaign
from campaign.delivery.models import DeliveryMethod, LetterDelivery
from campaign.letters.models import LetterStatus
from campaign.mail.models import OutboxMessage, ReceiptState
from campaign.mail.worker import deliver_due
from campaign.sending.models import LetterTarget
from campaign.targets.models import ChannelStatus, TargetBody
from campaign.uploads.store import store_for
from tests.delivery.factories import add_signon, url
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.mail.scripted import Scripted
from tests.targets.factories import create_target


def _setup(session):
    letter = make_letter(session, status=LetterStatus.CLOSED, title="End 287(g) now")
    campaign = session.get(Campaign, letter.campaign_id)
    campaign.coalition_name, campaign.coalition_email = "Texas Rights Coalition", "info@trc.org"
    add_signon(session, letter, "Austin Justice Alliance")
    add_signon(session, letter, "Houston Immigrant Rights")
    secretary = create_target(
        session,
        name="Office of the Secretary",
        emails=("exec.sec@dhs.example.gov", "secretary@dhs.example.gov"),
        status=ChannelStatus.VERIFIED,
    )
    crcl = create_target(
        session, name="CRCL", body=TargetBody.CRCL, emails=("crcl@dhs.example.gov",)
    )
    dead = create_target(
        session,
        name="Old office",
        body=TargetBody.ICE,
        emails=("gone@ice.example.gov",),
        status=ChannelStatus.BOUNCING,
    )
    session.commit()
    return letter, (secretary, crcl, dead)


def test_coordinator_emails_the_letter_and_sees_a_receipt_per_recipient(
    session, app, login_as, scripted_smtp, worker_sessions
):
    letter, (secretary, crcl, dead) = _setup(session)
    coordinator = login_as("coordinator")
    email_url = url(letter, "/email")
    page = coordinator.get(email_url)
    assert page.status_code == 200 and "Office of the Secretary" in page.text
    data = {
        "targets": [str(secretary.id), str(crcl.id), str(dead.id)],
        "subject": "Coalition letter: End 287(g) now",
        "cover": "Dear Secretary,\n\nAttached.",
        "sent_on": "2026-05-18",
    }
    confirm = coordinator.post(email_url, data=data)
    assert confirm.status_code == 200
    assert "Send 3 messages" in confirm.text and "1 bouncing address(es) left out" in confirm.text
    assert reload(session, letter).status == LetterStatus.CLOSED  # nothing done yet
    done = coordinator.post(email_url, data={**data, "confirmed": "1"})
    assert done.status_code == 302, done.text
    letter = reload(session, letter)
    assert letter.status == LetterStatus.SENT
    delivery = session.scalar(
        sa.select(LetterDelivery).where(LetterDelivery.letter_id == letter.id)
    )
    assert delivery.method == DeliveryMethod.EMAIL and delivery.signatory_count == 2
    addressed = set(session.scalars(sa.select(LetterTarget.target_id)))
    assert addressed == {secretary.id, crcl.id, dead.id}

    handler = Scripted("250 2.0.0 Ok: queued as 4B1C9")
    transport = scripted_smtp(handler)
    store = store_for(app)
    assert deliver_due(
        worker_sessions, transport, "relay@campaign.example.org", read_attachment=store.read
    ) == (3, 0)
    frozen = store.read(delivery.pdf_sha256)
    assert hashlib.sha256(frozen).hexdigest() == delivery.pdf_sha256
    assert sorted(m["To"] for m in handler.messages) == [
        "crcl@dhs.example.gov",
        "exec.sec@dhs.example.gov",
        "secretary@dhs.example.gov",
    ]
    for mail in handler.messages:
        assert mail["Subject"] == "Coalition letter: End 287(g) now"
        assert parseaddr(mail["From"]) == ("Texas Rights Coalition", "relay@campaign.example.org")
        assert mail["Reply-To"] == "info@trc.org"
        assert "Dear Secretary" in mail.get_body(preferencelist=("plain",)).get_content()
        [pdf] = list(mail.iter_attachments())
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == f"{letter.slug}.pdf"
        assert hashlib.sha256(pdf.get_content()).hexdigest() == delivery.pdf_sha256
    receipts = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.to_addr)).all()
    assert {r.message_id for r in receipts} == {m["Message-ID"] for m in handler.messages}
    for receipt in receipts:
        assert receipt.state == ReceiptState.ACCEPTED and receipt.accepted_at
        assert receipt.smtp_reply == "250 2.0.0 Ok: queued as 4B1C9"
        assert receipt.attachment_sha256 == delivery.pdf_sha256
        assert receipt.letter_delivery_id == delivery.id and receipt.channel_id
    page = coordinator.get(url(letter)).text
    assert page.count("250 2.0.0 Ok: queued as 4B1C9") == 3 and delivery.pdf_sha256 in page
    assert "exec.sec@dhs.example.gov" in coordinator.get(f"/targets/{secretary.id}").text


def test_a_sent_letter_is_emailed_again_as_delivered(session, login_as):
    letter, (secretary, crcl, _dead) = _setup(session)
    coordinator = login_as("coordinator")
    data = {
        "targets": [str(secretary.id)],
        "subject": "Letter",
        "cover": "Attached.",
        "sent_on": "2026-05-18",
        "confirmed": "1",
    }
    assert coordinator.post(url(letter, "/email"), data=data).status_code == 302
    delivery = session.scalar(sa.select(LetterDelivery))
    again = {**data, "targets": [str(crcl.id)], "delivery_id": str(delivery.id)}
    assert coordinator.post(url(letter, "/email"), data=again).status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(LetterDelivery)) == 1
    rows = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_addr == "crcl@dhs.example.gov")
    ).all()
    assert [r.attachment_sha256 for r in rows] == [delivery.pdf_sha256]


def test_refusals_are_form_errors_and_send_nothing(session, login_as):
    letter, (secretary, _crcl, dead) = _setup(session)
    coordinator = login_as("coordinator")
    base = {"subject": "Letter", "cover": "Attached.", "sent_on": "2026-05-18", "confirmed": "1"}
    for data in [
        base,
        {**base, "targets": ["abc", "99999999999"]},
        {**base, "targets": [str(dead.id)]},
        {**base, "targets": [str(secretary.id)], "subject": ""},
    ]:
        assert coordinator.post(url(letter, "/email"), data=data).status_code == 400, data
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert reload(session, letter).status == LetterStatus.CLOSED


def test_only_coordinators_send(session, login_as, client):
    letter, (secretary, _c, _d) = _setup(session)
    data = {
        "targets": [str(secretary.id)],
        "subject": "s",
        "cover": "c",
        "sent_on": "2026-05-18",
        "confirmed": "1",
    }
    assert login_as("member").post(url(letter, "/email"), data=data).status_code == 403
    assert login_as("member").get(url(letter, "/email")).status_code == 403
    assert client.post(url(letter, "/email"), data=data).status_code == 302  # to the login
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_mark_as_sent_by_portal_keeps_a_checked_receipt_file(session, login_as):
    import io

    from tests.delivery.factories import delivery_form, send

    letter, _targets = _setup(session)
    coordinator = login_as("coordinator")
    bad = delivery_form(method="agency_portal", sent_on="2026-05-18")
    bad["receipt"] = (io.BytesIO(b"MZ\x90\x00 not a pdf"), "confirmation.pdf")
    refused = coordinator.post(url(letter, "/send"), data=bad, content_type="multipart/form-data")
    assert refused.status_code == 400 and "Receipt: The file must be" in refused.text
    assert reload(session, letter).status == LetterStatus.CLOSED
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    good = delivery_form(method="agency_portal", sent_on="2026-05-18")
    first = coordinator.post(
        url(letter, "/send"),
        data={**good, "receipt": (io.BytesIO(pdf), "portal.pdf")},
        content_type="multipart/form-data",
    )
    assert first.status_code == 200 and "with its receipt file" in first.text
    assert send(coordinator, url(letter, "/send"), good | _hidden(first.text)).status_code == 302
    delivery = session.scalar(sa.select(LetterDelivery))
    assert delivery.method == DeliveryMethod.AGENCY_PORTAL
    assert delivery.receipt_sha256 == hashlib.sha256(pdf).hexdigest()
    link = url(letter).replace("/delivery", f"/deliveries/{delivery.id}/receipt")
    assert link in coordinator.get(url(letter)).text
    assert login_as("member").get(link).data == pdf


def _hidden(page: str) -> dict:
    import re

    return dict(re.findall(r'<input type="hidden" name="(receipt_sha256)" value="([^"]*)"', page))
