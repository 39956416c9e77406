"""Setting an embargo, postponing or cancelling it, and releasing it (once).

Every change is in the audit log. Releasing is one conditional UPDATE
(``... WHERE released_at IS NULL AND cancelled_at IS NULL``): whichever transaction
changes the row does the release's mail, delivery and audit, and no other one can, be it
a second worker, a worker restarted mid-round or a coordinator pressing "Release now" at
the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.clock import now_utc
from campaign.core.errors import DomainError
from campaign.embargo.notify import mail_keep_informed
from campaign.embargo.signals import letter_released
from campaign.letters.embargo import IN_FORCE, LetterEmbargo, embargo_of, release_instant
from campaign.letters.models import Letter, LetterStatus
from campaign.sending.letters import letter_targets
from campaign.uploads.store import UploadStore

# The coordinators' reminder goes this long before release.
REMINDER_BEFORE = timedelta(hours=24)


@dataclass(frozen=True)
class ReleaseTime:
    """A release time as a coordinator writes it: a date, a time, an IANA zone."""

    day: date
    at: time
    tz: str

    def instant(self) -> datetime:
        return release_instant(self.day, self.at, self.tz)


def _future(when: ReleaseTime, now: datetime) -> datetime:
    instant = when.instant()
    if instant <= now:
        raise DomainError("The release time must be in the future.", field="release_on")
    return instant


def _check_delivery(session: Session, letter: Letter, deliver: bool) -> None:
    if deliver and not letter_targets(session, letter):
        raise DomainError(
            "Choose the letter's targets first (Print & send → Send by email): the release "
            "sends the letter to them.",
            field="deliver_at_release",
        )


def set_embargo(
    session: Session,
    letter: Letter,
    when: ReleaseTime,
    *,
    deliver_at_release: bool = False,
    actor: User,
    now: datetime | None = None,
) -> LetterEmbargo:
    """Embargo the letter until ``when``: its public page hides its signatories and count,
    says "noindex", and tells signers the release date."""
    now = now or now_utc()
    if letter.status == LetterStatus.SENT:
        raise DomainError("A letter already delivered cannot be embargoed.")
    instant = _future(when, now)
    _check_delivery(session, letter, deliver_at_release)
    embargo = embargo_of(session, letter.id)
    if embargo is not None and embargo.in_force:
        raise DomainError("This letter is already embargoed: postpone or release it instead.")
    if embargo is not None and embargo.released_at is not None:
        raise DomainError("This letter was released: its signatories are public already.")
    if embargo is None:
        embargo = LetterEmbargo(letter_id=letter.id)
        session.add(embargo)
    embargo.release_at, embargo.release_tz = instant, when.tz
    embargo.cancelled_at = embargo.reminded_at = None
    embargo.deliver_at_release = deliver_at_release
    embargo.deliver_as_id = actor.id if deliver_at_release else None
    embargo.delivery_note = ""
    embargo.created_by_id = actor.id
    letter.updated_at = now
    session.flush()
    record(session, actor, "embargo.set", "letter", letter.id, release_at=instant.isoformat(),
           release_tz=when.tz, deliver_at_release=deliver_at_release)  # fmt: skip
    return embargo


def _in_force(session: Session, letter: Letter) -> LetterEmbargo:
    embargo = embargo_of(session, letter.id)
    if embargo is None or not embargo.in_force:
        raise DomainError("This letter is not under embargo.")
    return embargo


def postpone(
    session: Session,
    letter: Letter,
    when: ReleaseTime,
    *,
    reason: str,
    actor: User,
    now: datetime | None = None,
) -> LetterEmbargo:
    """Move the release to another time, saying why (the audit log keeps both times)."""
    now = now or now_utc()
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the release moves.", field="reason")
    embargo = _in_force(session, letter)
    instant = _future(when, now)
    old = embargo.release_at
    embargo.release_at, embargo.release_tz = instant, when.tz
    # a reminder already sent for the old time: send one for the new time too, unless
    # its 24 hours have already begun (then the coordinators know it is close)
    if instant - REMINDER_BEFORE > now:
        embargo.reminded_at = None
    letter.updated_at = now
    session.flush()
    record(session, actor, "embargo.postpone", "letter", letter.id, old=old.isoformat(),
           new=instant.isoformat(), release_tz=when.tz, reason=reason[:500])  # fmt: skip
    return embargo


def set_delivery(session: Session, letter: Letter, deliver: bool, *, actor: User) -> LetterEmbargo:
    """Choose whether the release sends the letter to its targets (as ``actor``)."""
    embargo = _in_force(session, letter)
    _check_delivery(session, letter, deliver)
    if embargo.deliver_at_release != deliver:
        embargo.deliver_at_release = deliver
        embargo.deliver_as_id = actor.id if deliver else None
        session.flush()
        record(session, actor, "embargo.delivery", "letter", letter.id, deliver_at_release=deliver)
    return embargo


def cancel(
    session: Session, letter: Letter, *, reason: str, actor: User, now: datetime | None = None
) -> LetterEmbargo:
    """End the embargo without a release: the page is an ordinary public page again at
    once; no "the letter is public" mail and no delivery."""
    now = now or now_utc()
    embargo = _in_force(session, letter)
    done = session.execute(
        sa.update(LetterEmbargo)
        .where(LetterEmbargo.id == embargo.id, IN_FORCE)
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise DomainError("This letter is not under embargo.")
    session.refresh(embargo)
    letter.updated_at = now
    record(session, actor, "embargo.cancel", "letter", letter.id,
           reason=" ".join((reason or "").split())[:500])  # fmt: skip
    return embargo


@dataclass(frozen=True)
class Released:
    """What one release did."""

    letter_id: int
    emailed: int
    delivery_note: str


def release(
    session: Session,
    embargo_id: int,
    *,
    static_dir: Path | str,
    store: UploadStore,
    actor: User | None = None,
    now: datetime | None = None,
    due_only: bool = False,
) -> Released | None:
    """Release the embargo if nobody has: the page shows its signatories from now on, the
    keep-informed signers get "the letter is public", a scheduled delivery goes out, and
    the audit log says so. None when another transaction released (or cancelled) it first
    or, with ``due_only`` (the worker), when its time has not come.

    ``actor`` None: the worker, at the release time; a user: "Release now"."""
    now = now or now_utc()
    query = sa.update(LetterEmbargo).where(LetterEmbargo.id == embargo_id, IN_FORCE)
    if due_only:
        query = query.where(LetterEmbargo.release_at <= now)
    changed = session.execute(
        query.values(released_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return None
    embargo = session.get(LetterEmbargo, embargo_id)
    session.refresh(embargo)
    letter = session.get(Letter, embargo.letter_id)
    letter.updated_at = now
    emailed = mail_keep_informed(session, letter)
    # before the delivery: what webhooks held back goes out first, then the delivery's own
    letter_released.send(session, letter=letter)
    note = ""
    if embargo.deliver_at_release:
        from campaign.embargo.delivery import deliver_at_release

        note = deliver_at_release(session, letter, embargo, static_dir=static_dir, store=store,
                                  now=now)  # fmt: skip
        embargo.delivery_note = note[:500]
    early = now < embargo.release_at
    session.flush()
    record(session, actor, "embargo.release", "letter", letter.id, early=early,
           scheduled_for=embargo.release_at.isoformat(), emailed=emailed,
           delivery=note or None)  # fmt: skip
    return Released(letter.id, emailed, note)


def release_now(
    session: Session,
    letter: Letter,
    *,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
    now: datetime | None = None,
) -> Released:
    """A coordinator's "Release now", before the release time."""
    embargo = _in_force(session, letter)
    done = release(session, embargo.id, static_dir=static_dir, store=store, actor=actor, now=now)
    if done is None:
        raise DomainError("This letter is not under embargo.")
    return done
