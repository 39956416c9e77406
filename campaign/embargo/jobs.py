"""The worker's embargo round: reminders a day ahead, then the releases that are due.

Everything it needs is in the database (release_at, reminded_at, released_at), so a
worker restarted mid-round, or two workers, neither skip nor repeat anything: each
embargo is reminded and released by one conditional UPDATE in its own transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from campaign.core.clock import now_utc
from campaign.db import write_intent
from campaign.embargo.notify import mail_reminder
from campaign.embargo.services import REMINDER_BEFORE, release
from campaign.letters.embargo import IN_FORCE, LetterEmbargo
from campaign.letters.models import Letter
from campaign.uploads.store import UploadStore

log = logging.getLogger("campaign.embargo")


@dataclass(frozen=True)
class Round:
    """What one round did."""

    reminded: int
    released: int


def _due(session: Session, *conditions: object) -> list[int]:
    query = sa.select(LetterEmbargo.id).where(IN_FORCE, *conditions).order_by(LetterEmbargo.id)
    return list(session.scalars(query))


def remind(session: Session, embargo_id: int, now: datetime) -> bool:
    """Email the coordinators about this embargo's release if nobody has (one UPDATE)."""
    changed = session.execute(
        sa.update(LetterEmbargo)
        .where(
            LetterEmbargo.id == embargo_id,
            IN_FORCE,
            LetterEmbargo.reminded_at.is_(None),
            LetterEmbargo.release_at > now,
            LetterEmbargo.release_at <= now + REMINDER_BEFORE,
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return False
    embargo = session.get(LetterEmbargo, embargo_id)
    session.refresh(embargo)
    mail_reminder(session, session.get(Letter, embargo.letter_id), embargo)
    return True


def run_due(
    session_factory: sessionmaker[Session],
    *,
    static_dir: Path | str,
    store: UploadStore,
    now: datetime | None = None,
) -> Round:
    """Send the reminders due and release the embargoes due at ``now`` (default: the
    clock), each in its own transaction."""
    now = now or now_utc()
    # the look-ups are plain reads: a round with nothing due (nearly all of them) never
    # takes SQLite's write lock
    with session_factory() as session:
        reminders = _due(
            session,
            LetterEmbargo.reminded_at.is_(None),
            LetterEmbargo.release_at > now,
            LetterEmbargo.release_at <= now + REMINDER_BEFORE,
        )
        releases = _due(session, LetterEmbargo.release_at <= now)
    reminded = released = 0
    if not (reminders or releases):
        return Round(0, 0)
    token = write_intent.set(True)
    try:
        for embargo_id in reminders:
            with session_factory() as session, session.begin():
                reminded += remind(session, embargo_id, now)
        for embargo_id in releases:
            with session_factory() as session, session.begin():
                done = release(
                    session, embargo_id, static_dir=static_dir, store=store, now=now,
                    due_only=True,
                )  # fmt: skip
            if done is not None:
                released += 1
                log.info("Released the embargo on letter %s", done.letter_id)
    finally:
        write_intent.reset(token)
    return Round(reminded, released)
