"""Receipts: what became of one message to one recipient (an outbox row).

The worker records each attempt here (accepted with the server's exact reply, deferred
with its 4xx reply, bounced on a 5xx); ``ingest-mail`` marks bounces that come back later
through ``mark_bounced`` too. A bounce also marks the channel it went to as bouncing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.mail.models import OutboxMessage, ReceiptState
from campaign.mail.signals import message_bounced

REPLY_MAX = 2000


def normalise_message_id(value: str | None) -> str:
    """``<id@host>`` with its angle brackets, whatever way it was written."""
    text = (value or "").strip()
    if not text:
        return ""
    return text if text.startswith("<") else f"<{text.strip('<>')}>"


def find_by_message_id(session: Session, message_id: str | None) -> OutboxMessage | None:
    """The outbox row (receipt) that sent ``message_id``, or None."""
    wanted = normalise_message_id(message_id)
    if not wanted:
        return None
    return session.scalar(sa.select(OutboxMessage).where(OutboxMessage.message_id == wanted))


def mark_accepted(message: OutboxMessage, reply: str | None, when: datetime) -> None:
    """The server took the message: its exact reply and the time."""
    message.state = ReceiptState.ACCEPTED
    message.accepted_at = when
    message.sent_at = when
    message.smtp_reply = (reply or "")[:REPLY_MAX] or None
    message.last_error = None


def record_deferral(message: OutboxMessage, reply: str, when: datetime) -> None:
    """A try that failed for now (a 4xx reply, a server down): kept in the history; the
    worker tries again later."""
    entry = {"at": when.isoformat(), "reply": reply[:REPLY_MAX]}
    # a new list, so that the JSON column is seen as changed
    message.attempt_log = [*(message.attempt_log or []), entry]
    message.state = ReceiptState.DEFERRED
    message.last_error = reply[:REPLY_MAX]


def mark_bounced(session: Session, message: OutboxMessage, diagnostic: str, when: datetime) -> None:
    """The message was refused for good (a 5xx at sending, or a bounce received later):
    the receipt says so with the diagnostic, and the channel it went to is "bouncing".

    Idempotent: a second report of the same bounce keeps the first time."""
    diagnostic = (diagnostic or "").strip()[:REPLY_MAX] or "Bounced"
    if message.state != ReceiptState.BOUNCED:
        message.state = ReceiptState.BOUNCED
        message.bounced_at = when
    message.bounce_diagnostic = diagnostic
    # it leaves the outbox: nothing more to try
    message.sent_at = message.sent_at or when
    message_bounced.send(session, message=message, diagnostic=diagnostic, when=when)
    session.flush()


def receipts_query() -> sa.Select:
    """Receipts (outbox rows that delivered something to a target), newest first."""
    return sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)


def receipts_for(session: Session, **where: int) -> list[OutboxMessage]:
    """Receipts by link, e.g. ``receipts_for(s, letter_delivery_id=3)`` or ``demand_id=…``."""
    query = receipts_query()
    for column, value in where.items():
        query = query.where(getattr(OutboxMessage, column) == value)
    return list(session.scalars(query))
