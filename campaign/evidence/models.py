"""Evidence records and their attachments (their links to demands are the demands'
own: ``campaign.demands.models.DemandEvidence``)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.agencies.models import Agency
from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.search.index import insert_default, keep_in_step, search_index
from campaign.uploads.attachments import AttachmentMixin

NATIONAL = "national"


class EvidenceType(enum.StrEnum):
    """What kind of fact a record is."""

    LAWSUIT = "lawsuit"
    COURT_FINDING = "court_finding"
    FEDERAL_FINDING = "federal_finding"
    DEATH_IN_CUSTODY = "death_in_custody"
    NEWS_REPORT = "news_report"
    OFFICIAL_STATEMENT = "official_statement"
    SOCIAL_MEDIA_POST = "social_media_post"
    PUBLIC_RECORDS = "public_records"
    DATA_ANALYSIS = "data_analysis"
    TESTIMONY = "testimony"
    OTHER = "other"

    @property
    def label(self) -> str:
        return EVIDENCE_TYPE_LABELS[self]


EVIDENCE_TYPE_LABELS = {
    EvidenceType.LAWSUIT: "Lawsuit",
    EvidenceType.COURT_FINDING: "Court finding",
    EvidenceType.FEDERAL_FINDING: "DOJ or DHS finding or investigation",
    EvidenceType.DEATH_IN_CUSTODY: "Death in custody",
    EvidenceType.NEWS_REPORT: "News report",
    EvidenceType.OFFICIAL_STATEMENT: "Official statement",
    EvidenceType.SOCIAL_MEDIA_POST: "Social media post",
    EvidenceType.PUBLIC_RECORDS: "Public-records document",
    EvidenceType.DATA_ANALYSIS: "Data analysis",
    EvidenceType.TESTIMONY: "Testimony",
    EvidenceType.OTHER: "Other",
}


EVIDENCE_SEARCH = search_index("evidence_records", "title", "summary", "citation")


class EvidenceRecord(Base):
    """A fact that supports demands: shared by every campaign."""

    __tablename__ = "evidence_records"
    __table_args__ = (
        sa.Index("ix_evidence_records_listing", "deleted_at", "event_on", "id"),
        sa.Index("ix_evidence_records_agency_id", "agency_id"),
        sa.Index("ix_evidence_records_type", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[EvidenceType] = mapped_column(str_enum(EvidenceType, 30))
    title: Mapped[str] = mapped_column(sa.String(300))
    event_on: Mapped[date | None]
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    # provenance: the day the source was retrieved, and where in it (page, paragraph)
    retrieved_on: Mapped[date | None]
    pin_cite: Mapped[str] = mapped_column(sa.String(200), default="")
    citation: Mapped[str] = mapped_column(sa.Text, default="")
    # the state the fact is about (a two-letter code, or NATIONAL): kept without an agency;
    # with an agency, the agency's state
    state: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id", ondelete="SET NULL"))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    # title + summary + citation folded to lower-case words: what the full-text index
    # reads (campaign.search), computed on every write
    search_text: Mapped[str] = mapped_column(sa.Text, default=insert_default(EVIDENCE_SEARCH))

    agency: Mapped[Agency | None] = relationship(lazy="raise")
    added_by: Mapped[User | None] = relationship(lazy="raise")
    attachments: Mapped[list[EvidenceAttachment]] = relationship(
        back_populates="record", lazy="raise", order_by="EvidenceAttachment.id"
    )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


keep_in_step(EvidenceRecord, EVIDENCE_SEARCH)


class EvidenceAttachment(AttachmentMixin, Base):
    """A file (PDF, PNG, JPEG) attached to a record, stored by content hash."""

    __tablename__ = "evidence_attachments"
    __table_args__ = (sa.UniqueConstraint("record_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_records.id", ondelete="CASCADE"))

    record: Mapped[EvidenceRecord] = relationship(back_populates="attachments", lazy="raise")
