"""Targets, their channels (email, postal, portal, fax) and saved target sets."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.agencies.models import Agency
from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class TargetBody(enum.StrEnum):
    """The body a target belongs to: DHS and its components, or a local body."""

    DHS_SECRETARY = "dhs_secretary"
    ICE = "ice"
    ERO = "ero"
    CRCL = "crcl"
    DHS_OTHER = "dhs_other"
    SHERIFF = "sheriff"
    POLICE = "police"
    COUNTY_BOARD = "county_board"
    STATE = "state"
    OTHER = "other"

    @property
    def label(self) -> str:
        return BODY_LABELS[self]

    @property
    def is_dhs(self) -> bool:
        return self in DHS_BODIES


BODY_LABELS = {
    TargetBody.DHS_SECRETARY: "DHS — Office of the Secretary",
    TargetBody.ICE: "DHS — ICE",
    TargetBody.ERO: "DHS — ICE Enforcement and Removal Operations",
    TargetBody.CRCL: "DHS — Office for Civil Rights and Civil Liberties",
    TargetBody.DHS_OTHER: "DHS — other component",
    TargetBody.SHERIFF: "Sheriff's office",
    TargetBody.POLICE: "Police department",
    TargetBody.COUNTY_BOARD: "County board or commission",
    TargetBody.STATE: "State government",
    TargetBody.OTHER: "Other",
}
DHS_BODIES = frozenset(
    {
        TargetBody.DHS_SECRETARY,
        TargetBody.ICE,
        TargetBody.ERO,
        TargetBody.CRCL,
        TargetBody.DHS_OTHER,
    }
)


class ChannelKind(enum.StrEnum):
    """How a target is reached."""

    EMAIL = "email"
    POSTAL = "postal"
    PORTAL = "portal"
    FAX = "fax"

    @property
    def label(self) -> str:
        return {"email": "Email", "postal": "Postal address", "portal": "Web portal",
                "fax": "Fax"}[self.value]  # fmt: skip


class ChannelStatus(enum.StrEnum):
    """unverified → verified (a person checked it) → bouncing (a delivery failed)."""

    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    BOUNCING = "bouncing"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Target(Base):
    """A decision-maker or office, e.g. the ICE Director or a county sheriff."""

    __tablename__ = "targets"
    __table_args__ = (sa.Index("ix_targets_body_name", "body", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[TargetBody] = mapped_column(str_enum(TargetBody, 20))
    # the body's own name as addressed, e.g. "Harris County Sheriff's Office"
    organization: Mapped[str] = mapped_column(sa.String(300), default="")
    agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship(lazy="raise")
    channels: Mapped[list[TargetChannel]] = relationship(
        back_populates="target", lazy="raise", order_by="TargetChannel.id"
    )

    @property
    def display(self) -> str:
        """ "Name, Title (Organization)" as printed in recipient lists."""
        text = self.name + (f", {self.title}" if self.title else "")
        return text + (f" ({self.organization})" if self.organization else "")


class TargetChannel(Base):
    """One way to reach a target, with how far it can be trusted."""

    __tablename__ = "target_channels"
    __table_args__ = (sa.UniqueConstraint("target_id", "kind", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("targets.id", ondelete="CASCADE"))
    kind: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind, 10))
    # as written (a postal address keeps its lines)
    address: Mapped[str] = mapped_column(sa.String(1000))
    # email channels only: the address lower-cased, so a reply or a bounce finds its channel
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    label: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[ChannelStatus] = mapped_column(
        str_enum(ChannelStatus, 12), default=ChannelStatus.UNVERIFIED
    )
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    verified_how: Mapped[str] = mapped_column(sa.Text, default="")
    bouncing_since: Mapped[datetime | None]
    bounce_diagnostic: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    target: Mapped[Target] = relationship(back_populates="channels", lazy="raise")
    verified_by: Mapped[User | None] = relationship(lazy="raise")


class TargetSet(Base):
    """A saved set of targets defined by attributes, not names (resolved when used)."""

    __tablename__ = "target_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # campaign.targets.sets.Criteria as a dict
    criteria: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
