"""End to end with a real SMTP server: messages leave through the outbox and the worker,
the remote side bounces one and answers the other, ``ingest-mail`` reads both from a
Maildir: the first receipt is bounced, the second answer is a pending response."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from email.utils import format_datetime

import sqlalchemy as sa

from campaign.db import utcnow
from campaign.letters.models import LetterStatus
from campaign.mail.models import ReceiptState
from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from campaign.responses.models import Response, ResponseAttachment, ResponseSource
from campaign.targets.models import ChannelStatus, TargetBody, TargetChannel
from tests.factories import reload
from tests.inbound.factories import receipt
from tests.letters.factories import make_letter
from tests.targets.factories import create_target

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def bounce_for(delivered: EmailMessage) -> bytes:
    """What the recipient's server sends back: an RFC 3464 report with the headers."""
    recipient = str(delivered["To"])
    headers = "".join(f"{k}: {v}\n" for k, v in delivered.items())
    return (
        "From: MAILER-DAEMON@mx.example.gov (Mail Delivery System)\n"
        f"To: {delivered['From']}\nSubject: Undelivered Mail Returned to Sender\n"
        f"Date: {format_datetime(utcnow())}\nMessage-ID: <bounce.1@mx.example.gov>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.gov\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: 5.1.1\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: User unknown\n\n"
        f"--B\nContent-Type: text/rfc822-headers\n\n{headers}\n--B--\n"
    ).encode()


def reply_to(delivered: EmailMessage, sender: str) -> bytes:
    """A person's answer, as their mail program sends it: threaded, with a PDF."""
    reply = EmailMessage()
    reply["From"] = f"Maria Lopez <{sender}>"
    reply["To"] = str(delivered["Reply-To"] or delivered["From"])
    reply["Subject"] = f"RE: {delivered['Subject']}"
    reply["Date"] = format_datetime(utcnow())
    reply["Message-ID"] = "<reply.1@ice.example.gov>"
    reply["In-Reply-To"] = str(delivered["Message-ID"])
    reply["References"] = str(delivered["Message-ID"])
    reply.set_content("We acknowledge receipt of the coalition's letter.\n\n> Dear Secretary,\n")
    reply.add_attachment(PDF, maintype="application", subtype="pdf", filename="ack.pdf")
    return bytes(reply)


def test_sent_bounced_and_answered(
    session, smtp_server, worker_sessions, runner, tmp_path, login_as
):
    letter = make_letter(session, status=LetterStatus.SENT)
    gone = create_target(session, name="Old Office", body=TargetBody.DHS_SECRETARY,
                         emails=("old.office@dhs.example.gov",))  # fmt: skip
    ice = create_target(session, name="Maria Lopez", body=TargetBody.ICE,
                        emails=("maria.lopez@ice.example.gov",))  # fmt: skip
    to_gone = receipt(session, to="old.office@dhs.example.gov", letter=letter, target=gone)
    to_ice = receipt(session, to="maria.lopez@ice.example.gov", letter=letter, target=ice)

    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "Coalition <campaign@coalition.example.org>") \
        == (2, 0)  # fmt: skip
    delivered = {str(m["To"]): m for m in smtp_server.messages}
    assert str(delivered["old.office@dhs.example.gov"]["Message-ID"]) == to_gone.message_id

    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(bounce_for(delivered["old.office@dhs.example.gov"]))
    box.add(reply_to(delivered["maria.lopez@ice.example.gov"], "maria.lopez@ice.example.gov"))
    result = runner.invoke(args=["ingest-mail", str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    assert "2 messages: 1 bounce, 1 reply." in result.output

    bounced = reload(session, to_gone)
    assert bounced.state == ReceiptState.BOUNCED
    assert "5.1.1" in bounced.bounce_diagnostic and "User unknown" in bounced.bounce_diagnostic
    channel = session.get(TargetChannel, bounced.channel_id)
    assert channel.status == ChannelStatus.BOUNCING
    assert reload(session, to_ice).state != ReceiptState.BOUNCED

    [response] = session.scalars(sa.select(Response)).all()
    assert response.letter_id == letter.id
    assert response.source == ResponseSource.ICE and response.from_name == "Maria Lopez"
    assert response.summary == "We acknowledge receipt of the coalition's letter."
    kinds = sorted(
        session.scalars(
            sa.select(ResponseAttachment.kind).where(ResponseAttachment.response_id == response.id)
        )
    )
    assert kinds == ["eml", "pdf"]

    # coordinators see the bounce on the letter, its Print & send page and the target
    coordinator = login_as("coordinator")
    from tests.delivery.factories import url

    page = coordinator.get(url(letter).rsplit("/", 1)[0]).get_data(as_text=True)
    assert "Mail that came back" in page and "old.office@dhs.example.gov" in page
    assert "550 5.1.1" in page
    assert "Bounced" in coordinator.get(url(letter)).get_data(as_text=True)
    target_page = coordinator.get(f"/targets/{gone.id}").get_data(as_text=True)
    assert "Bounced" in target_page and "User unknown" in target_page
