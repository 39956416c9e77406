"""Manage links, the corrections signers ask for, and the coordinators' daily digests."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class ManageLink(Base):
    """A signer's personal link to manage their sign-on: only the sha256 of its random
    token is stored. It works while the letter collects sign-ons (``services.open``);
    a new one never revokes an earlier one."""

    __tablename__ = "sign_on_manage_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_on_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class Field(enum.StrEnum):
    """What a signer may ask to correct before delivery."""

    SIGNER_NAME = "signer_name"
    SIGNER_TITLE = "signer_title"
    LISTED = "listed"

    @property
    def label(self) -> str:
        return {
            "signer_name": "Signer's name",
            "signer_title": "Signer's title",
            "listed": "Listing",
        }[self.value]


class CorrectionStatus(enum.StrEnum):
    """asked → applied | declined; superseded when the signer asks again for the field."""

    ASKED = "asked"
    APPLIED = "applied"
    DECLINED = "declined"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Correction(Base):
    """A change the signer asked for, kept with the value it replaces: the coordinators
    apply or decline it, and the history stays."""

    __tablename__ = "sign_on_corrections"
    __table_args__ = (sa.Index("ix_sign_on_corrections_sign_on", "sign_on_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_on_id: Mapped[int] = mapped_column(sa.ForeignKey("sign_ons.id", ondelete="CASCADE"))
    field: Mapped[Field] = mapped_column(str_enum(Field, 20))
    old_value: Mapped[str] = mapped_column(sa.String(300))
    new_value: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[CorrectionStatus] = mapped_column(
        str_enum(CorrectionStatus, 12), default=CorrectionStatus.ASKED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class ManageDigest(Base):
    """The one daily digest of signers' changes sent for a campaign and a day: the row
    is taken before the mail is written, so that the digest goes once whoever runs it."""

    __tablename__ = "manage_digests"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    day: Mapped[date]
    changes: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
