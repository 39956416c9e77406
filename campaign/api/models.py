"""Personal API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.db import Base, utcnow


class Scope(enum.StrEnum):
    """What a token may do, on top of what its user's role allows."""

    READ = "read"
    WRITE_SIGNONS = "write:signons"

    @property
    def label(self) -> str:
        return {"read": "Read", "write:signons": "Read, and record sign-ons"}[self.value]


class ApiToken(Base):
    """A user's personal token: only its sha256 is kept (shown once, at creation)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # the token's first characters, to tell one's tokens apart in lists (not a secret)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # space-separated ``Scope`` values
    scopes: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")

    @property
    def scope_set(self) -> frozenset[Scope]:
        """The token's scopes."""
        return frozenset(Scope(s) for s in self.scopes.split())

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None
