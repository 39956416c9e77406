"""Agencies (the importer adds agreements and snapshots beside this)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class AgencyType(enum.StrEnum):
    """Level of government the agency belongs to."""

    COUNTY = "county"
    MUNICIPAL = "municipal"
    STATE = "state"
    UNKNOWN = "unknown"


class Agency(Base):
    """A law-enforcement agency, e.g. "Arcadia Police Department" in Florida."""

    __tablename__ = "agencies"
    __table_args__ = (
        sa.UniqueConstraint("state", "key"),
        sa.Index("ix_agencies_state_name", "state", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    # normalised name (see campaign.core.names); unique within a state
    key: Mapped[str] = mapped_column(sa.String(300))
    state: Mapped[str] = mapped_column(sa.String(2))
    county: Mapped[str | None] = mapped_column(sa.String(120))
    type: Mapped[AgencyType] = mapped_column(str_enum(AgencyType, 20), default=AgencyType.UNKNOWN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
