"""Who a letter is addressed to, and the consolidated follow-ups sent to agencies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, utcnow


class LetterTarget(Base):
    """A target the letter is addressed to (chosen on Print & send, kept for the next send)."""

    __tablename__ = "letter_targets"

    letter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AgencyFollowUp(Base):
    """One consolidated follow-up: one email per agency listing every open demand to it."""

    __tablename__ = "agency_follow_ups"
    __table_args__ = (sa.Index("ix_agency_follow_ups_agency_sent", "agency_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"))
    sent_on: Mapped[date]
    # the demands it listed (ids), as they were listed
    demand_ids: Mapped[list[Any]] = mapped_column(default=list)
    # None: sent by the worker when due
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
