"""Delivering the outbox: one message per transaction, safe with several workers."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from campaign.db import utcnow, write_intent
from campaign.mail import receipts
from campaign.mail.models import OutboxMessage
from campaign.mail.transport import Refused, Transport, attachment_part, build_message

log = logging.getLogger("campaign.mail")

MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min… capped at an hour."""
    return min(timedelta(seconds=30 * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _claim(session: Session, now: datetime) -> OutboxMessage | None:
    # SKIP LOCKED lets several workers on PostgreSQL share the outbox without
    # two of them taking the same message; SQLite ignores it and BEGIN IMMEDIATE
    # (write_intent) serialises workers instead.
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalar(query)


def deliver_due(
    session_factory: sessionmaker[Session] | object,
    transport: Transport,
    sender: str,
    *,
    limit: int = 100,
    now: datetime | None = None,
    stopping: Callable[[], bool] = lambda: False,
    read_attachment: Callable[[str], bytes] | None = None,
) -> tuple[int, int]:
    """Deliver up to ``limit`` due messages, or fewer once ``stopping()`` says so (between
    two messages: one being sent is finished and recorded); returns (sent, failed).

    Each attempt is recorded on the row's receipt: accepted with the server's reply,
    deferred (4xx, server down) with the reply and tried again later, bounced on a 5xx.
    ``read_attachment``: the stored bytes of an attachment by sha256 (the upload store)."""
    sent = failed = 0
    # One packet's messages to its several recipients follow one another in the outbox:
    # its file is read, checked against its hash and encoded once for all of them.
    parts: dict[tuple[str, str | None], EmailMessage] = {}
    token = write_intent.set(True)
    try:
        for _ in range(limit):
            if stopping():
                break
            with session_factory() as session, session.begin():
                row = _claim(session, now or utcnow())
                if row is None:
                    break
                row.attempts += 1
                try:
                    attachment = _attachment_part(row, read_attachment, parts)
                    reply = transport.send(build_message(row, sender, attachment))
                except Refused as exc:
                    failed += 1
                    if exc.permanent:
                        receipts.mark_bounced(session, row, exc.reply, utcnow())
                        log.warning("Mail %s to %s bounced: %s", row.id, row.to_addr, exc.reply)
                        continue
                    receipts.record_deferral(row, exc.reply, utcnow())
                    row.next_attempt_at = (now or utcnow()) + backoff(row.attempts)
                    log.warning("Mail %s to %s deferred: %s", row.id, row.to_addr, exc.reply)
                except Exception as exc:  # any other failure means: keep it and try later
                    receipts.record_deferral(row, f"{type(exc).__name__}: {exc}", utcnow())
                    row.next_attempt_at = (now or utcnow()) + backoff(row.attempts)
                    failed += 1
                    log.warning(
                        "Mail %s to %s failed (attempt %s): %s",
                        row.id,
                        row.to_addr,
                        row.attempts,
                        row.last_error,
                    )
                else:
                    receipts.mark_accepted(row, reply, utcnow())
                    sent += 1
    finally:
        write_intent.reset(token)
        # the round is over: no connection is left idle until the next one
        close = getattr(transport, "close", None)
        if close is not None:
            close()
    return sent, failed


class AttachmentMissing(Exception):
    """The file to attach is not in the store (or not the bytes the receipt names)."""


def _attachment_part(
    row: OutboxMessage,
    read: Callable[[str], bytes] | None,
    parts: dict[tuple[str, str | None], EmailMessage],
) -> EmailMessage | None:
    if not row.attachment_sha256:
        return None
    key = (row.attachment_sha256, row.attachment_name)
    if key not in parts:
        data = _attachment(row, read)
        parts.clear()  # the previous packet's: its messages are behind us
        parts[key] = attachment_part(data, row.attachment_name)
    return parts[key]


def _attachment(row: OutboxMessage, read: Callable[[str], bytes] | None) -> bytes | None:
    if not row.attachment_sha256:
        return None
    if read is None:
        raise AttachmentMissing("no file store given to the worker")
    data = read(row.attachment_sha256)
    # the receipt promises these very bytes: never send anything else under its hash
    if hashlib.sha256(data).hexdigest() != row.attachment_sha256:
        raise AttachmentMissing(f"stored file {row.attachment_sha256} does not match its hash")
    return data
