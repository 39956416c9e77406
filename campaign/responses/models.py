"""Responses from agencies (or DHS) to a letter or to a demand, and their attachments."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.agencies.models import Agency
from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.demands.models import Demand, DemandStatus
from campaign.letters.models import Letter
from campaign.uploads.attachments import AttachmentMixin


class ResponseChannel(enum.StrEnum):
    """How the answer came."""

    LETTER = "letter"
    EMAIL = "email"
    MEETING = "meeting"
    PHONE_CALL = "phone_call"
    PUBLIC_STATEMENT = "public_statement"
    PRESS_REPORT = "press_report"
    COURT_FILING = "court_filing"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ResponseSource(enum.StrEnum):
    """Who a response came from: a demand is often addressed to DHS or ICE, not the sheriff."""

    AGENCY = "agency"
    DHS = "dhs"
    DHS_SECRETARY = "dhs_secretary"
    ICE = "ice"
    ERO = "ero"
    CRCL = "crcl"
    OTHER_BODY = "other_body"
    PERSON = "person"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    ResponseSource.AGENCY: "The agency (named below)",
    ResponseSource.DHS: "Department of Homeland Security (DHS)",
    ResponseSource.DHS_SECRETARY: "DHS: Office of the Secretary",
    ResponseSource.ICE: "DHS: Immigration and Customs Enforcement (ICE)",
    ResponseSource.ERO: "ICE: Enforcement and Removal Operations (ERO)",
    ResponseSource.CRCL: "DHS: Office for Civil Rights and Civil Liberties (CRCL)",
    ResponseSource.OTHER_BODY: "Another body (named below)",
    ResponseSource.PERSON: "A person (named below)",
}
# how the source reads in a sentence ("From ICE")
SOURCE_SHORT = {
    ResponseSource.DHS: "DHS",
    ResponseSource.DHS_SECRETARY: "DHS, Office of the Secretary",
    ResponseSource.ICE: "ICE",
    ResponseSource.ERO: "ICE ERO",
    ResponseSource.CRCL: "DHS CRCL",
}


class ResponseOutcome(enum.StrEnum):
    """What the response means for the demand (``OUTCOME_STATUS`` maps it onto the lifecycle)."""

    NONE = "none"
    ACKNOWLEDGED = "acknowledged"
    ANSWER_PROMISED = "answer_promised"
    MEETING_SCHEDULED = "meeting_scheduled"
    DENIED = "denied"
    PARTIALLY_MET = "partially_met"
    MET = "met"
    RENEWED = "renewed"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def demand_status(self) -> DemandStatus | None:
        """The demand status this outcome implies (None: it changes nothing)."""
        return OUTCOME_STATUS[self]


OUTCOME_LABELS = {
    ResponseOutcome.NONE: "No change (for the record)",
    ResponseOutcome.ACKNOWLEDGED: "Acknowledged receipt",
    ResponseOutcome.ANSWER_PROMISED: "Promised an answer (awaiting response)",
    ResponseOutcome.MEETING_SCHEDULED: "Meeting scheduled",
    ResponseOutcome.DENIED: "Denied",
    ResponseOutcome.PARTIALLY_MET: "Partially met",
    ResponseOutcome.MET: "Met (agreement terminated)",
    ResponseOutcome.RENEWED: "Renewed the agreement instead",
}

OUTCOME_STATUS: dict[ResponseOutcome, DemandStatus | None] = {
    ResponseOutcome.NONE: None,
    ResponseOutcome.ACKNOWLEDGED: DemandStatus.ACKNOWLEDGED,
    ResponseOutcome.ANSWER_PROMISED: DemandStatus.AWAITING_RESPONSE,
    ResponseOutcome.MEETING_SCHEDULED: DemandStatus.MEETING_SCHEDULED,
    ResponseOutcome.DENIED: DemandStatus.DENIED,
    ResponseOutcome.PARTIALLY_MET: DemandStatus.PARTIALLY_MET,
    ResponseOutcome.MET: DemandStatus.MET,
    ResponseOutcome.RENEWED: DemandStatus.RENEWED,
}


class ResponseStatus(enum.StrEnum):
    """Moderation: pending → approved | rejected."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Response(Base):
    """What an agency or DHS answered to one letter or one demand."""

    __tablename__ = "responses"
    __table_args__ = (
        sa.CheckConstraint(
            "(letter_id IS NULL AND demand_id IS NOT NULL)"
            " OR (letter_id IS NOT NULL AND demand_id IS NULL)",
            name="letter_or_demand",
        ),
        sa.Index("ix_responses_campaign_status_received", "campaign_id", "status", "received_on"),
        # the list and the dashboard's recent responses: newest first
        sa.Index("ix_responses_campaign_received", "campaign_id", "received_on", "id"),
        sa.Index("ix_responses_demand_id", "demand_id"),
        sa.Index("ix_responses_letter_id", "letter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # the campaign of the letter or demand, kept here so lists and scoping need no join
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    demand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    received_on: Mapped[date]
    # who it came from; None only on responses logged before it was asked (not recorded)
    source: Mapped[ResponseSource | None] = mapped_column(str_enum(ResponseSource, 20))
    # the other body's name, when source is OTHER_BODY
    source_body: Mapped[str] = mapped_column(sa.String(200), default="")
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id", ondelete="SET NULL"))
    from_name: Mapped[str] = mapped_column(sa.String(200), default="")
    from_title: Mapped[str] = mapped_column(sa.String(200), default="")
    channel: Mapped[ResponseChannel] = mapped_column(str_enum(ResponseChannel, 20))
    summary: Mapped[str] = mapped_column(sa.Text)
    full_text: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[ResponseOutcome] = mapped_column(
        str_enum(ResponseOutcome, 20), default=ResponseOutcome.NONE
    )
    status: Mapped[ResponseStatus] = mapped_column(
        str_enum(ResponseStatus, 10), default=ResponseStatus.PENDING
    )
    # the move the response made when it was applied (for the record and the timeline)
    applied_from: Mapped[DemandStatus | None] = mapped_column(str_enum(DemandStatus, 20))
    applied_to: Mapped[DemandStatus | None] = mapped_column(str_enum(DemandStatus, 20))
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")

    letter: Mapped[Letter | None] = relationship(lazy="raise")
    demand: Mapped[Demand | None] = relationship(lazy="raise")
    agency: Mapped[Agency | None] = relationship(lazy="raise")
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id], lazy="raise")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id], lazy="raise")

    def source_text(self, agency_name: str | None = None) -> str:
        """Who it came from, in words: "ICE", "Waukesha County Sheriff's Office", "Pat Roe"."""
        person = ", ".join(p for p in (self.from_name, self.from_title) if p)
        if self.source is None:
            body = agency_name or ""
            return ", ".join(p for p in (person, body) if p) or "not recorded"
        if self.source == ResponseSource.AGENCY:
            body = agency_name or "the agency"
        elif self.source == ResponseSource.OTHER_BODY:
            body = self.source_body or "another body"
        elif self.source == ResponseSource.PERSON:
            body = agency_name or ""
        else:
            body = SOURCE_SHORT[self.source]
        return ", ".join(p for p in (person, body) if p) or "a person"

    @property
    def target_label(self) -> str:
        return "letter" if self.letter_id is not None else "demand"


class ResponseAttachment(AttachmentMixin, Base):
    """A file (PDF, PNG, JPEG) attached to a response, stored by content hash."""

    __tablename__ = "response_attachments"
    __table_args__ = (sa.UniqueConstraint("response_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"))
    # A member's file added to an approved response waits for a coordinator, as the
    # response itself did (issue 16): until then only coordinators and its adder see it.
    pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
