"""Delivering the outbox: one message per transaction, safe with several workers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from campaign.db import utcnow, write_intent
from campaign.mail.models import OutboxMessage
from campaign.mail.transport import Transport, build_message

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
) -> tuple[int, int]:
    """Deliver up to ``limit`` due messages, or fewer once ``stopping()`` says so (between
    two messages: one being sent is finished and recorded); returns (sent, failed)."""
    sent = failed = 0
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
                    transport.send(build_message(row, sender))
                except Exception as exc:  # any failure means: keep it and try later
                    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
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
                    row.sent_at = utcnow()
                    row.last_error = None
                    sent += 1
    finally:
        write_intent.reset(token)
    return sent, failed
