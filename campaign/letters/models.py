"""Letters and the versions of their text."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class LetterStatus(enum.StrEnum):
    """draft → open → closed → sent (closed may reopen); a sent letter may keep collecting
    sign-ons for an addendum until a coordinator stops it (``Letter.keeps_collecting``)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SENT = "sent"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Letter(Base):
    """A coalition letter to decision-makers, signed on by organizations."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    addressees: Mapped[str] = mapped_column(sa.Text, default="")
    # the current text; every text ever shown to signers is kept in letter_versions
    body: Mapped[str] = mapped_column(sa.Text, default="")
    closing: Mapped[str] = mapped_column(sa.String(300), default="")
    sender: Mapped[str] = mapped_column(sa.String(300), default="")
    # the Spanish text beside the English one (campaign.letters.languages); ``bilingual``:
    # the coordinator asked for both, so both must be written before the letter opens
    bilingual: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    title_es: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    addressees_es: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    body_es: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    closing_es: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    sender_es: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # the instant sign-on closes (UTC) and the zone the coordinator wrote it in
    deadline_at: Mapped[datetime]
    deadline_tz: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[LetterStatus] = mapped_column(
        str_enum(LetterStatus, 20), default=LetterStatus.DRAFT
    )
    show_signatories: Mapped[bool] = mapped_column(default=False)
    # when True a confirmed sign-on is approved at once (the review queue comes later)
    auto_approve: Mapped[bool] = mapped_column(default=False)
    # a sent letter still taking sign-ons, delivered later as addenda; "Stop collecting"
    # (or choosing to close at "Mark as sent") ends it for good
    keeps_collecting: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # issue 20.1: an unverified sign-on cannot be approved; verified organizations carry a
    # discreet mark (and a legend) on the public page and the PDF
    requires_verification: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    marks_verified: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date, partners' incremental sync)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def deadline_local(self) -> datetime:
        """The deadline in the zone it was written in."""
        from zoneinfo import ZoneInfo

        return self.deadline_at.astimezone(ZoneInfo(self.deadline_tz))

    def accepts_signons(self, now: datetime | None = None) -> bool:
        """Open and before the deadline, judged at ``now`` (the request's time), or sent and
        still collecting for an addendum."""
        return accepts_signons(self.status, self.deadline_at, now, self.keeps_collecting)

    @property
    def collecting_after_delivery(self) -> bool:
        """Sent, and still taking sign-ons for an addendum."""
        return self.status == LetterStatus.SENT and self.keeps_collecting

    @property
    def signons_frozen(self) -> bool:
        """Sent and no longer collecting: its sign-ons can no longer be confirmed or reviewed."""
        return self.status == LetterStatus.SENT and not self.keeps_collecting

    @property
    def takes_confirmations(self) -> bool:
        """Whether a pending sign-on may still be confirmed (or an old one re-confirmed)."""
        return self.status in (LetterStatus.OPEN, LetterStatus.CLOSED) or (
            self.collecting_after_delivery
        )


def accepts_signons(
    status: LetterStatus, deadline_at: datetime, now: datetime | None, keeps_collecting: bool
) -> bool:
    """A letter takes sign-ons while open and before its deadline, whatever else it says;
    once delivered, while it collects for an addendum (the deadline was the delivery's)."""
    if status == LetterStatus.SENT:
        return keeps_collecting
    return status == LetterStatus.OPEN and (now or utcnow()) < deadline_at


class LetterVersion(Base):
    """The text of a letter as signers saw it; a new one for each edit of the body."""

    __tablename__ = "letter_versions"
    __table_args__ = (sa.UniqueConstraint("letter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    # the Spanish text of the same version ("" when the letter has none): one history
    body_es: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # a material change: signers of earlier versions must re-confirm
    material: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="raise")


@dataclass(frozen=True)
class PublicLetter:
    """What signing on needs of a letter, as plain values: the public sign-on POST, the
    busiest request, reads these instead of loading a ``Letter``
    (``signons.signing.letter_and_version``)."""

    id: int
    slug: str
    title: str
    status: LetterStatus
    deadline_at: datetime
    keeps_collecting: bool
    campaign_id: int
    # an embargo in force (``letters.embargo``): its release instant and zone, else None
    embargo_release_at: datetime | None = None
    embargo_tz: str | None = None
    title_es: str = ""  # the Spanish title, "" when the letter has none

    def accepts_signons(self, now: datetime | None = None) -> bool:
        """See ``Letter.accepts_signons``."""
        return accepts_signons(self.status, self.deadline_at, now, self.keeps_collecting)
