"""Campaigns."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.db import Base, utcnow


class Campaign(Base):
    """A coalition effort, e.g. "End 287(g)"."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    # The coalition behind this campaign as signers see it (public pages, emails, the
    # letter's letterhead); empty or None: the instance's (``CoalitionSettings``).
    coalition_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    coalition_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    coalition_logo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    coalition_logo_kind: Mapped[str | None] = mapped_column(sa.String(10))

    created_by: Mapped[User | None] = relationship(lazy="raise")


class CoalitionSettings(Base):
    """The instance's coalition: its name, contact address and logo (one row, id 1), used
    wherever a campaign does not name its own."""

    __tablename__ = "coalition_settings"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    logo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    logo_kind: Mapped[str | None] = mapped_column(sa.String(10))
    updated_at: Mapped[datetime | None]
