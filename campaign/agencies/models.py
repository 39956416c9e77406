"""Agencies, their 287(g) agreements, and the ICE workbooks they were imported from."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.search.index import insert_default, keep_in_step, search_index


class AgencyType(enum.StrEnum):
    """Level of government the agency belongs to."""

    COUNTY = "county"
    MUNICIPAL = "municipal"
    STATE = "state"
    UNKNOWN = "unknown"


class AgreementModel(enum.StrEnum):
    """The 287(g) model an agreement follows."""

    JEM = "JEM"
    TFM = "TFM"
    WSO = "WSO"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return MODEL_LABELS[self]


MODEL_LABELS = {
    AgreementModel.JEM: "Jail Enforcement Model",
    AgreementModel.TFM: "Task Force Model",
    AgreementModel.WSO: "Warrant Service Officer",
    AgreementModel.UNKNOWN: "Unknown model",
}


class ListType(enum.StrEnum):
    """Which of ICE's two lists a workbook is."""

    PARTICIPATING = "participating"
    PENDING = "pending"


class AgreementStatus(enum.StrEnum):
    """Where the agreement stands, as far as ICE's lists tell."""

    PARTICIPATING = "participating"
    PENDING = "pending"
    NO_LONGER_LISTED = "no_longer_listed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RenameStatus(enum.StrEnum):
    """A proposed rename waits for a coordinator."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


# The agency list's search box: name, county and the normalised name (which spells out
# "Dept." and "PD"); an alias (a renamed agency) finds the agency it was merged into.
AGENCY_SEARCH = search_index("agencies", "name", "county", "key")


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
    # Set when a coordinator confirmed that ICE renamed this agency: the row stays as an
    # alias (imports of the old name land on the new agency; links to it redirect).
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agencies.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    # the indexed text (campaign.search): computed on every write
    search_text: Mapped[str] = mapped_column(
        sa.Text, default=insert_default(AGENCY_SEARCH), server_default=""
    )

    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="agency", lazy="raise", order_by="Agreement.model"
    )


keep_in_step(Agency, AGENCY_SEARCH)


class ImportSnapshot(Base):
    """One imported ICE workbook: what it was, what it said, what it changed."""

    __tablename__ = "import_snapshots"
    __table_args__ = (sa.Index("ix_import_snapshots_list_type_as_of_on", "list_type", "as_of_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    list_type: Mapped[ListType] = mapped_column(str_enum(ListType, 20))
    as_of_on: Mapped[date]
    # where the as-of date came from: option, workbook, file name or import date
    as_of_source: Mapped[str] = mapped_column(sa.String(20))
    # False when an older list was imported after a newer one: kept as history only
    current: Mapped[bool] = mapped_column(default=True)
    sheet: Mapped[str] = mapped_column(sa.String(100), default="")
    rows_read: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    no_longer_listed_count: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    # the difference from the previous list of the same type (see services.ImportReport)
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    imported_by: Mapped[User | None] = relationship(lazy="raise")


class Agreement(Base):
    """A 287(g) agreement as ICE lists it: one per agency and model."""

    __tablename__ = "agreements"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "model"),
        sa.Index("ix_agreements_model_status", "model", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"))
    model: Mapped[AgreementModel] = mapped_column(str_enum(AgreementModel, 10))
    status: Mapped[AgreementStatus] = mapped_column(str_enum(AgreementStatus, 20), index=True)
    signed_on: Mapped[date | None]
    agreement_url: Mapped[str | None] = mapped_column(sa.String(1000))
    addendum_url: Mapped[str | None] = mapped_column(sa.String(1000))
    first_snapshot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_snapshots.id", ondelete="SET NULL")
    )
    last_snapshot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_snapshots.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="agreements", lazy="raise")
    first_snapshot: Mapped[ImportSnapshot | None] = relationship(
        foreign_keys=[first_snapshot_id], lazy="raise"
    )
    last_snapshot: Mapped[ImportSnapshot | None] = relationship(
        foreign_keys=[last_snapshot_id], lazy="raise"
    )


class AgreementObservation(Base):
    """What one snapshot said about one agreement (its history across releases)."""

    __tablename__ = "agreement_observations"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "agreement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_snapshots.id", ondelete="CASCADE")
    )
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int]
    list_type: Mapped[ListType] = mapped_column(str_enum(ListType, 20))
    agency_name: Mapped[str] = mapped_column(sa.String(300))
    signed_on: Mapped[date | None]

    snapshot: Mapped[ImportSnapshot] = relationship(lazy="raise")


class RenameProposal(Base):
    """An agency that vanished and a similar new name in the same state: maybe a rename."""

    __tablename__ = "agency_rename_proposals"
    __table_args__ = (sa.UniqueConstraint("old_agency_id", "new_agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_snapshots.id", ondelete="CASCADE"), index=True
    )
    old_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"))
    new_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"))
    score: Mapped[float]
    status: Mapped[RenameStatus] = mapped_column(
        str_enum(RenameStatus, 20), default=RenameStatus.PROPOSED
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    old_agency: Mapped[Agency] = relationship(foreign_keys=[old_agency_id], lazy="raise")
    new_agency: Mapped[Agency] = relationship(foreign_keys=[new_agency_id], lazy="raise")
