"""Audit events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, utcnow

if TYPE_CHECKING:
    # Audit sits below every feature, accounts included (auth records logins here): the
    # relationship finds User by name when the mappers are configured.
    from campaign.auth.models import User


class AuditEvent(Base):
    """One recorded action: who, what, on which entity, when, with details."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_entity", "entity", "entity_id"),
        sa.Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    entity: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    user: Mapped[User | None] = relationship(lazy="raise")
