"""Follow-up actions on demands."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class FollowUpMethod(enum.StrEnum):
    """How the coalition followed up."""

    EMAIL = "email"
    CALL = "call"
    LETTER = "letter"
    MEETING = "meeting"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Phone call" if self is FollowUpMethod.CALL else self.value.capitalize()


class FollowUp(Base):
    """What was done to chase an answer, and the new date the answer is due."""

    __tablename__ = "follow_ups"
    __table_args__ = (sa.Index("ix_follow_ups_demand_done", "demand_id", "done_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    done_on: Mapped[date]
    method: Mapped[FollowUpMethod] = mapped_column(str_enum(FollowUpMethod, 10))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    previous_due_on: Mapped[date | None]
    new_due_on: Mapped[date]
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship(lazy="raise")
