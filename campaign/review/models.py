"""CSV files waiting between the mapping step and the import, and the column choices
remembered for the next one."""

from __future__ import annotations

from datetime import datetime

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


class CsvColumnChoice(Base):
    """What a column of that name held the last time any coordinator of the coalition
    imported a file with it: a field name, or "" for a column deliberately left out.

    Kept per column name rather than per campaign, so that the coalition's Google Form
    is mapped the same way in every campaign, and two forms used in turn are both
    remembered.
    """

    __tablename__ = "csv_column_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the column name as compared (folded), so that a long question fits an index
    header_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    header: Mapped[str] = mapped_column(sa.Text)
    field: Mapped[str] = mapped_column(sa.String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
