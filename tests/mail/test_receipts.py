"""Receipts: the server's exact reply, deferrals retried, bounces, attachments (real SMTP)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from campaign.db import utcnow
from campaign.mail.models import OutboxMessage, ReceiptState
from campaign.mail.receipts import find_by_message_id, mark_bounced
from campaign.mail.services import enqueue
from campaign.mail.worker import deliver_due
from campaign.targets.models import ChannelStatus, TargetBody, TargetChannel
from campaign.targets.services import add_channel, save_target
from campaign.uploads.store import UploadStore
from tests.factories import reload
from tests.mail.scripted import Scripted

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _channel(session, make_user, address="press@sheriff.example.org") -> TargetChannel:
    actor = make_user(role=__import__("campaign.auth.models").auth.models.Role.COORDINATOR)
    target = save_target(
        session,
        None,
        name="Sheriff",
        title="",
        body=TargetBody.SHERIFF,
        organization="",
        agency=None,
        note="",
        actor=actor,
    )
    return add_channel(session, target, kind="email", address=address, actor=actor)


def test_accepted_receipt_keeps_the_exact_reply(session, scripted_smtp, worker_sessions):
    transport = scripted_smtp(Scripted("250 2.0.0 Ok: queued as 4B1C2D"))
    message = enqueue(session, to="a@example.org", subject="s", body_text="b")
    session.commit()
    assert message.state == ReceiptState.QUEUED
    assert deliver_due(worker_sessions, transport, "c@example.org") == (1, 0)
    row = reload(session, message)
    assert row.state == ReceiptState.ACCEPTED
    assert row.smtp_reply == "250 2.0.0 Ok: queued as 4B1C2D"
    assert row.accepted_at is not None and row.sent_at == row.accepted_at
    assert not row.retried


def test_4xx_then_2xx_gives_one_delivery_and_shows_the_retry(
    session, scripted_smtp, worker_sessions
):
    handler = Scripted("451 4.7.1 Greylisted, try again later", "250 2.0.0 Ok: queued as 77")
    transport = scripted_smtp(handler)
    message = enqueue(session, to="a@example.org", subject="s", body_text="b")
    session.commit()
    assert deliver_due(worker_sessions, transport, "c@example.org") == (0, 1)
    row = reload(session, message)
    assert row.state == ReceiptState.DEFERRED and row.sent_at is None
    assert row.attempt_log[0]["reply"] == "451 4.7.1 Greylisted, try again later"
    # held back until its backoff is over, then delivered once
    assert deliver_due(worker_sessions, transport, "c@example.org") == (0, 0)
    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(worker_sessions, transport, "c@example.org", now=later) == (1, 0)
    assert deliver_due(worker_sessions, transport, "c@example.org", now=later) == (0, 0)
    row = reload(session, message)
    assert len(handler.messages) == 1
    assert row.state == ReceiptState.ACCEPTED and row.retried
    assert row.smtp_reply == "250 2.0.0 Ok: queued as 77"
    assert [a["reply"] for a in row.attempt_log] == ["451 4.7.1 Greylisted, try again later"]


@pytest.mark.parametrize(
    "handler",
    [
        Scripted("554 5.7.1 Message rejected as spam"),
        Scripted("250 OK", rcpt="550 5.1.1 <press@sheriff.example.org>: User unknown"),
    ],
    ids=["data", "rcpt"],
)
def test_5xx_bounces_and_the_channel_is_bouncing(
    session, scripted_smtp, worker_sessions, make_user, handler
):
    transport = scripted_smtp(handler)
    channel = _channel(session, make_user)
    message = enqueue(session, to=channel.address, subject="s", body_text="b")
    message.channel_id, message.target_id = channel.id, channel.target_id
    session.commit()
    assert deliver_due(worker_sessions, transport, "c@example.org") == (0, 1)
    row = reload(session, message)
    assert row.state == ReceiptState.BOUNCED and row.bounced_at is not None
    assert row.bounce_diagnostic.startswith("55")
    assert row.sent_at is not None  # never tried again
    later = utcnow() + timedelta(hours=2)
    assert deliver_due(worker_sessions, transport, "c@example.org", now=later) == (0, 0)
    assert reload(session, channel).status == ChannelStatus.BOUNCING
    assert handler.messages == []


def test_mark_bounced_is_idempotent_and_found_by_message_id(session, make_user):
    channel = _channel(session, make_user)
    message = enqueue(session, to=channel.address, subject="s", body_text="b")
    message.channel_id = channel.id
    session.flush()
    bare = message.message_id.strip("<>")
    assert find_by_message_id(session, bare) is message
    assert find_by_message_id(session, f" {message.message_id} ") is message
    assert find_by_message_id(session, "<nobody@campaign.local>") is None
    first = utcnow()
    mark_bounced(session, message, "550 5.1.1 User unknown", first)
    mark_bounced(session, message, "550 5.1.1 User unknown", first + timedelta(hours=1))
    assert message.bounced_at == first and message.state == ReceiptState.BOUNCED
    assert channel.status == ChannelStatus.BOUNCING and channel.bouncing_since == first


def test_the_attachment_is_the_stored_file_byte_for_byte(
    session, app, scripted_smtp, worker_sessions, tmp_path
):
    store = UploadStore(tmp_path)
    stored = store.save(PDF, allowed={"pdf"}, max_bytes=10**6)
    handler = Scripted("250 2.0.0 Ok")
    transport = scripted_smtp(handler)
    enqueue(
        session,
        to="a@example.org",
        subject="Letter",
        body_text="Attached.",
        attachment_sha256=stored.sha256,
        attachment_name="letter.pdf",
    )
    session.commit()
    assert deliver_due(worker_sessions, transport, "c@example.org", read_attachment=store.read) == (
        1,
        0,
    )
    [mail] = handler.messages
    [part] = list(mail.iter_attachments())
    assert part.get_filename() == "letter.pdf" and part.get_content_type() == "application/pdf"
    assert hashlib.sha256(part.get_content()).hexdigest() == stored.sha256


def test_an_attachment_that_is_missing_is_never_sent_without_it(
    session, scripted_smtp, worker_sessions, tmp_path
):
    handler = Scripted("250 OK")
    transport = scripted_smtp(handler)
    message = enqueue(
        session,
        to="a@example.org",
        subject="s",
        body_text="b",
        attachment_sha256="0" * 64,
        attachment_name="x.pdf",
    )
    session.commit()
    store = UploadStore(tmp_path)
    assert deliver_due(worker_sessions, transport, "c@example.org", read_attachment=store.read) == (
        0,
        1,
    )
    assert handler.messages == []
    assert reload(session, message).state == ReceiptState.DEFERRED
    assert OutboxMessage  # the row stays queued for a later try


def test_a_sender_refused_at_mail_from_is_deferred_not_a_bounce(
    session, scripted_smtp, worker_sessions, make_user
):
    class RefusesSender(Scripted):
        async def handle_MAIL(self, server, smtp_session, envelope, address, mail_options):
            return "550 5.7.1 Sender address not allowed by this relay"

    transport = scripted_smtp(RefusesSender("250 OK"))
    channel = _channel(session, make_user)
    message = enqueue(session, to=channel.address, subject="s", body_text="b")
    message.channel_id = channel.id
    session.commit()
    assert deliver_due(worker_sessions, transport, "c@example.org") == (0, 1)
    row = reload(session, message)
    # our relay's setting is wrong, not the sheriff's address: kept and tried again
    assert row.state == ReceiptState.DEFERRED and row.sent_at is None
    assert row.attempt_log[0]["reply"].startswith("550 5.7.1 Sender address")
    assert reload(session, channel).status == ChannelStatus.UNVERIFIED


def test_one_connection_per_round_and_a_dropped_one_is_opened_again(
    session, scripted_smtp, worker_sessions
):
    class Counting(Scripted):
        connections = 0

        async def handle_EHLO(self, server, smtp_session, envelope, hostname, responses):
            type(self).connections += 1
            smtp_session.host_name = hostname
            return responses

    transport = scripted_smtp(Counting("250 2.0.0 Ok"))
    for i in range(3):
        enqueue(session, to=f"p{i}@example.org", subject="s", body_text="b")
    session.commit()
    assert deliver_due(worker_sessions, transport, "c@example.org") == (3, 0)
    assert Counting.connections == 1 and transport._smtp is None  # closed after the round
    # a connection the server dropped between two messages is opened again
    enqueue(session, to="late@example.org", subject="s", body_text="b")
    session.commit()
    transport._smtp = transport._connect()
    transport._smtp.sock.close()
    assert deliver_due(worker_sessions, transport, "c@example.org") == (1, 0)


def test_one_packet_to_several_recipients_reads_its_file_once(
    session, app, scripted_smtp, worker_sessions, tmp_path
):
    store = UploadStore(tmp_path)
    stored = store.save(PDF, allowed={"pdf"}, max_bytes=10**6)
    other = store.save(PDF + b"%other\n", allowed={"pdf"}, max_bytes=10**6)
    reads = []

    def read(sha256: str) -> bytes:
        reads.append(sha256)
        return store.read(sha256)

    handler = Scripted("250 2.0.0 Ok")
    transport = scripted_smtp(handler)
    for to, sha, name in [("a@example.org", stored.sha256, "p.pdf"),
                          ("b@example.org", stored.sha256, "p.pdf"),
                          ("c@example.org", stored.sha256, "p.pdf"),
                          ("d@example.org", other.sha256, "q.pdf")]:  # fmt: skip
        enqueue(session, to=to, subject="Packet", body_text="Attached.",
                attachment_sha256=sha, attachment_name=name)  # fmt: skip
    session.commit()
    assert deliver_due(worker_sessions, transport, "c@example.org", read_attachment=read) == (4, 0)
    # read and checked once per packet, and each recipient still gets its own message
    assert reads == [stored.sha256, other.sha256]
    assert len(handler.messages) == 4
    for mail, (sha, name) in zip(
        handler.messages, [(stored.sha256, "p.pdf")] * 3 + [(other.sha256, "q.pdf")], strict=True
    ):
        [part] = list(mail.iter_attachments())
        assert part.get_filename() == name and part.get_content_type() == "application/pdf"
        assert hashlib.sha256(part.get_content()).hexdigest() == sha
    assert len({m["Message-ID"] for m in handler.messages}) == 4
