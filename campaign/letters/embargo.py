"""A letter's embargo: circulated by its sign-on link, its signatories kept from the public
until a release time. The row and the questions every page asks of it live here, beside
the letter; setting, moving and releasing it is ``campaign.embargo``'s.

An embargo is *in force* while it is neither released nor cancelled. Whether it is in
force never depends on the clock: the release happens when the worker (or a coordinator)
releases it, so the page never shows signatories before the release's mail and delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaign.core.errors import DomainError
from campaign.db import Base, utcnow


class LetterEmbargo(Base):
    """One letter's embargo: its release time, and what has happened to it."""

    __tablename__ = "letter_embargoes"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters.id", ondelete="CASCADE"), unique=True
    )
    # the instant of release (UTC) and the zone the coordinator wrote it in
    release_at: Mapped[datetime] = mapped_column(index=True)
    release_tz: Mapped[str] = mapped_column(sa.String(64))
    # set once, by the one transaction that releases it (worker or coordinator)
    released_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # the coordinators' reminder 24 hours before release (cleared when postponed)
    reminded_at: Mapped[datetime | None]
    # "send to its targets at release": the release emails the letter as this coordinator
    deliver_at_release: Mapped[bool] = mapped_column(default=False)
    deliver_as_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # what the release's delivery did: a delivery id, or why nothing went
    delivery_note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def in_force(self) -> bool:
        """Neither released nor cancelled: the signatories stay hidden."""
        return self.released_at is None and self.cancelled_at is None

    @property
    def release_local(self) -> datetime:
        """The release time in the zone it was written in."""
        return self.release_at.astimezone(ZoneInfo(self.release_tz))


def release_instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of a wall-clock release time in the IANA zone ``tz``.

    Across a DST change the rule is fold=0, Python's and the tz database's default: a time
    that does not exist (02:30 on a spring-forward day) moves forward by the gap (03:30
    daylight time), and a time that happens twice (01:30 on a fall-back day) is the first
    of the two (daylight time).
    """
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError("Unknown time zone.", field="release_tz")
    return datetime.combine(day, at.replace(fold=0), tzinfo=zone).astimezone(UTC)


def format_local(instant: datetime, tz: str) -> str:
    """``Tuesday, March 10, 2026 at 10:00 AM EDT``: a release time as signers read it."""
    local = instant.astimezone(ZoneInfo(tz))
    hour = local.strftime("%I").lstrip("0")
    return (
        f"{local.strftime('%A, %B')} {local.day}, {local.year} at "
        f"{hour}:{local.strftime('%M %p')} {local.tzname()}"
    )


@dataclass(frozen=True)
class EmbargoNotice:
    """What a signer is told of an embargo in force."""

    release_at: datetime
    release_tz: str

    @property
    def when(self) -> str:
        return format_local(self.release_at, self.release_tz)

    @property
    def iso(self) -> str:
        return self.release_at.isoformat()


IN_FORCE = sa.and_(LetterEmbargo.released_at.is_(None), LetterEmbargo.cancelled_at.is_(None))


def embargo_of(session: Session, letter_id: int) -> LetterEmbargo | None:
    """The letter's embargo row (in force or not), or None."""
    return session.scalar(sa.select(LetterEmbargo).where(LetterEmbargo.letter_id == letter_id))


def notice_for(session: Session, letter_id: int) -> EmbargoNotice | None:
    """The embargo in force on the letter, as signers are told of it; None when there is
    none (never embargoed, released or cancelled)."""
    row = session.execute(
        sa.select(LetterEmbargo.release_at, LetterEmbargo.release_tz).where(
            LetterEmbargo.letter_id == letter_id, IN_FORCE
        )
    ).first()
    return EmbargoNotice(row.release_at, row.release_tz) if row else None


def is_embargoed(session: Session, letter_id: int) -> bool:
    """Whether the letter's signatories are hidden from everyone but staff."""
    return notice_for(session, letter_id) is not None


def embargoed_letter_ids() -> sa.Select:
    """A subquery of the ids of letters under an embargo in force (for ``NOT IN`` filters)."""
    return sa.select(LetterEmbargo.letter_id).where(IN_FORCE)
