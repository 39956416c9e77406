"""CSV files waiting between the mapping step and the import, remembered mappings, and
the sign-ons index the review queue reads its tallies from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, utcnow


class CsvUpload(Base):
    """An uploaded CSV file kept (in the database, so any app process can read it) until
    it is imported or a day old."""

    __tablename__ = "csv_uploads"
    __table_args__ = (sa.UniqueConstraint("letter_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CsvMapping(Base):
    """The last column mapping a campaign's coordinators used: field name → column header."""

    __tablename__ = "csv_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True
    )
    columns: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
