"""Demands and their status history."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.agencies.models import Agency
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.evidence.models import EvidenceRecord


class DemandStatus(enum.StrEnum):
    """Where a demand stands (the allowed moves are in campaign.demands.services)."""

    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_RESPONSE = "awaiting_response"
    MEETING_SCHEDULED = "meeting_scheduled"
    PARTIALLY_MET = "partially_met"
    MET = "met"
    DENIED = "denied"
    RENEWED = "renewed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


# Still being pressed: the outcome is not known yet.
OPEN_STATUSES = frozenset(
    {
        DemandStatus.DRAFT,
        DemandStatus.SENT,
        DemandStatus.ACKNOWLEDGED,
        DemandStatus.AWAITING_RESPONSE,
        DemandStatus.MEETING_SCHEDULED,
    }
)
# Delivered, and the agency owes an answer: these can be overdue.
AWAITING_STATUSES = frozenset(
    {DemandStatus.SENT, DemandStatus.ACKNOWLEDGED, DemandStatus.AWAITING_RESPONSE}
)


class Priority(enum.StrEnum):
    """How urgently the coalition presses a demand."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Demand(Base):
    """An agency-specific ask within a campaign, e.g. terminate its 287(g) agreement."""

    __tablename__ = "demands"
    __table_args__ = (
        sa.Index("ix_demands_campaign_status", "campaign_id", "status"),
        sa.Index("ix_demands_agency_id", "agency_id"),
        sa.Index("ix_demands_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    addressed_to: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    ask: Mapped[str] = mapped_column(sa.Text)
    rationale: Mapped[str] = mapped_column(sa.Text, default="")
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, 10), default=Priority.NORMAL)
    # The letter the demand was delivered in.
    letter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("letters.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None]
    # the response clock (campaign.sending.clock): "business" or "calendar" days from the
    # send date; None: the instance's default (CAMPAIGN_RESPONSE_CLOCK)
    clock_unit: Mapped[str | None] = mapped_column(sa.String(10))
    clock_days: Mapped[int | None]
    # paused while the coalition owes the agency something: never overdue meanwhile, and
    # the due date moves by the time paused when the clock resumes
    paused_on: Mapped[date | None]
    pause_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[DemandStatus] = mapped_column(
        str_enum(DemandStatus, 20), default=DemandStatus.DRAFT
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the day the last move happened (a letter sent in 2023 and recorded in 2026: 2023)
    status_changed_on: Mapped[date | None]
    # the latest day in the demand's dated history (moves and follow-ups): a new move or
    # follow-up may not be dated before it
    last_event_on: Mapped[date | None]
    # "Agreement no longer listed: confirm termination", raised by the ICE importer.
    delisted_flag: Mapped[bool] = mapped_column(default=False)
    delisted_flagged_at: Mapped[datetime | None]
    # the import snapshot that no longer listed the agreement
    delisted_snapshot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_snapshots.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")

    def is_overdue(self, today: date) -> bool:
        """Awaiting an answer past its due date."""
        return (
            self.status in AWAITING_STATUSES
            and self.due_on is not None
            and self.due_on < today
            and self.paused_on is None
        )


class DemandEventKind(enum.StrEnum):
    """What happened to a demand (one row of its timeline)."""

    CREATED = "created"
    EDITED = "edited"
    STATUS = "status"
    EVIDENCE_LINKED = "evidence_linked"
    EVIDENCE_UNLINKED = "evidence_unlinked"
    FLAGGED = "flagged"
    FLAG_CONFIRMED = "flag_confirmed"
    FLAG_DISMISSED = "flag_dismissed"
    # campaign.sending: a packet emailed, a consolidated follow-up, the clock
    PACKET_SENT = "packet_sent"
    FOLLOW_UP_SENT = "follow_up_sent"
    CLOCK = "clock"


class DemandEvent(Base):
    """The demand's timeline: who changed what, when and why."""

    __tablename__ = "demand_events"
    __table_args__ = (sa.Index("ix_demand_events_demand_at", "demand_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    # when it was recorded
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # when it happened (status moves): the timeline is in this order
    happened_on: Mapped[date | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[DemandEventKind] = mapped_column(str_enum(DemandEventKind, 30))
    from_status: Mapped[DemandStatus | None] = mapped_column(str_enum(DemandStatus, 20))
    to_status: Mapped[DemandStatus | None] = mapped_column(str_enum(DemandStatus, 20))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User | None] = relationship(lazy="raise")


class DemandEvidence(Base):
    """Why one evidence record supports one demand."""

    __tablename__ = "demand_evidence"
    __table_args__ = (
        sa.UniqueConstraint("demand_id", "evidence_id"),
        sa.Index("ix_demand_evidence_evidence_id", "evidence_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    evidence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evidence_records.id", ondelete="CASCADE")
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)

    demand: Mapped[Demand] = relationship(lazy="raise")
    evidence: Mapped[EvidenceRecord] = relationship(lazy="raise")
    linked_by: Mapped[User | None] = relationship(lazy="raise")
