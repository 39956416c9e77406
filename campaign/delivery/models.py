"""Print options, render jobs, and the deliveries frozen when a letter is sent."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.letters.models import Letter


class Grouping(enum.StrEnum):
    """How the signatory list is grouped (campaign.printing.snapshot.GROUPINGS)."""

    STATE = "state"
    LEVEL = "level"
    ALPHA = "alpha"

    @property
    def label(self) -> str:
        return GROUPING_LABELS[self]


GROUPING_LABELS = {
    Grouping.STATE: "National, then state and local organizations by state",
    Grouping.LEVEL: "By level only (national, state, local)",
    Grouping.ALPHA: "One alphabetical list",
}


class LetterPrintOptions(Base):
    """How a letter is printed; one row per letter (absent: the defaults)."""

    __tablename__ = "letter_print_options"

    letter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    grouping: Mapped[Grouping] = mapped_column(str_enum(Grouping, 10), default=Grouping.STATE)
    columns: Mapped[int] = mapped_column(default=3)
    include_logo_page: Mapped[bool] = mapped_column(default=False)
    show_places: Mapped[bool] = mapped_column(default=True)
    # the text(s) printed: "en", "es", or "both" (each text, then one list of signatories)
    languages: Mapped[str] = mapped_column(sa.String(5), default="en", server_default="en")
    # the letterhead logo, a PNG or JPEG in the upload store
    logo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    logo_kind: Mapped[str | None] = mapped_column(sa.String(10))
    # the date printed on the letter before it is delivered; None: today (a delivery is
    # always dated the day it was sent)
    dated_on: Mapped[date | None]
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RenderKind(enum.StrEnum):
    """What a render produces."""

    PDF = "pdf"
    DOCX = "docx"

    @property
    def label(self) -> str:
        return "PDF" if self is RenderKind.PDF else "Word (.docx)"


class RenderStatus(enum.StrEnum):
    """queued → running → done | failed (a failed job may be queued again)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RenderJob(Base):
    """One render of one snapshot; the unique key makes concurrent requests share it."""

    __tablename__ = "render_jobs"
    __table_args__ = (
        sa.UniqueConstraint("letter_id", "kind", "cache_key"),
        sa.Index("ix_render_jobs_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    kind: Mapped[RenderKind] = mapped_column(str_enum(RenderKind, 10))
    # campaign.printing.render_cache_key: the snapshot plus the renderer's own files
    cache_key: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[RenderStatus] = mapped_column(
        str_enum(RenderStatus, 10), default=RenderStatus.QUEUED
    )
    signatories: Mapped[int] = mapped_column(default=0)
    # the snapshot to render (canonical JSON); cleared once the file is stored
    snapshot_json: Mapped[str] = mapped_column(sa.Text, default="")
    result_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    result_size: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # renewed by the rendering worker; a running job whose claim is older than the lease
    # was left by a dead worker (campaign.delivery.rendering)
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class DeliveryKind(enum.StrEnum):
    """The letter itself, or a later addendum of late signatories."""

    LETTER = "letter"
    ADDENDUM = "addendum"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DeliveryMethod(enum.StrEnum):
    """How the letter reached its recipients."""

    EMAIL = "email"
    AGENCY_PORTAL = "agency_portal"
    MAIL = "mail"
    HAND_DELIVERY = "hand_delivery"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class LetterDelivery(Base):
    """What was delivered, frozen: the snapshot, the version, the list and the PDF bytes."""

    __tablename__ = "letter_deliveries"
    # sequence 0 is the letter, 1, 2… its addenda: a letter is sent once, even when two
    # coordinators press the button at the same time.
    __table_args__ = (sa.UniqueConstraint("letter_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    kind: Mapped[DeliveryKind] = mapped_column(str_enum(DeliveryKind, 10))
    sent_on: Mapped[date]
    recipients: Mapped[str] = mapped_column(sa.Text)
    method: Mapped[DeliveryMethod] = mapped_column(str_enum(DeliveryMethod, 20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_versions.id", ondelete="RESTRICT"), index=True
    )
    version_number: Mapped[int]
    signatory_count: Mapped[int]
    snapshot_json: Mapped[str] = mapped_column(sa.Text)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_size: Mapped[int]
    # proof of a delivery made outside the app (portal confirmation, certified-mail
    # receipt): a checked upload in the store
    receipt_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    receipt_kind: Mapped[str | None] = mapped_column(sa.String(10))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    letter: Mapped[Letter] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")


class LetterDeliverySignOn(Base):
    """A sign-on delivered by name or count in a delivery (so an addendum finds late ones),
    or, with ``withdrawn``, reported in an addendum as having withdrawn since."""

    __tablename__ = "letter_delivery_sign_ons"

    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_deliveries.id", ondelete="CASCADE"), primary_key=True
    )
    sign_on_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
