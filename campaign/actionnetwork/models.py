"""A letter's Action Network receiver, and what it has taken in (for idempotency)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, utcnow


class ActionNetworkHook(Base):
    """The secret address Action Network posts a letter's signatures to (its sha256 kept)."""

    __tablename__ = "action_network_hooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters.id", ondelete="CASCADE"), unique=True
    )
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_received_at: Mapped[datetime | None]
    received_count: Mapped[int] = mapped_column(default=0)


class ActionNetworkReceipt(Base):
    """One key already taken in by a receiver: an item's ``idempotency_key`` or a person's
    Action Network identifier. Seen again, the item is skipped."""

    __tablename__ = "action_network_receipts"
    __table_args__ = (sa.UniqueConstraint("hook_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hook_id: Mapped[int] = mapped_column(
        sa.ForeignKey("action_network_hooks.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(sa.String(200))
    sign_on_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
