"""Sign-ons: one organization's signature on one letter."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.letters.models import Letter, LetterVersion
from campaign.search.index import insert_default, keep_in_step, search_index


class Level(enum.StrEnum):
    """Where the organization works."""

    NATIONAL = "national"
    STATE = "state"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SignOnStatus(enum.StrEnum):
    """pending (awaiting confirmation) → confirmed → approved | rejected; withdrawn; merged."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SignOnSource(enum.StrEnum):
    """How the sign-on reached us: the public page, a coordinator's form, a CSV import."""

    PUBLIC = "public"
    MANUAL = "manual"
    IMPORT = "import"

    @property
    def label(self) -> str:
        return {"public": "Public page", "manual": "Added by hand", "import": "CSV import"}[
            self.value
        ]


class Authority(enum.StrEnum):
    """On what authority the signer signs for the organization (issue 20.1)."""

    EXECUTIVE = "executive"
    BOARD = "board"
    DESIGNATED = "designated"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AUTHORITY_LABELS[self]


AUTHORITY_LABELS = {
    Authority.EXECUTIVE: "Executive director or equivalent",
    Authority.BOARD: "A decision of the board",
    Authority.DESIGNATED: "Designated by the organization's leadership",
    Authority.OTHER: "Other",
}


class Verified(enum.StrEnum):
    """How a sign-on came to be verified (None on the row: not verified)."""

    EMAIL_DOMAIN = "email_domain"  # the confirmed address is at the website's domain
    ORGANIZATION_DOMAIN = "organization_domain"  # at a domain the directory remembers
    KNOWN_CONTACT = "known_contact"  # the signer is a contact a coordinator verified before
    COORDINATOR = "coordinator"  # a coordinator verified this sign-on (how: its record)

    @property
    def label(self) -> str:
        return {
            "email_domain": "verified by email domain",
            "organization_domain": "verified: organization domain",
            "known_contact": "verified: known contact",
            "coordinator": "verified by a coordinator",
        }[self.value]


# Sign-ons that count towards a letter's total.
COUNTED = (SignOnStatus.CONFIRMED, SignOnStatus.APPROVED)
# "Organizations on the letter", the one public count (the public page, the campaign and
# letter pages, the review queue, the dashboard and the PDF's "Signed by N organizations",
# listed and count-only alike), is what the letter prints: approved sign-ons that agreed
# to the current text (``consent.printed``, counted by ``services.on_letter_counts``).
# Confirmed sign-ons are signed but still wait for a coordinator (a test entry, a
# probable duplicate): they are "awaiting review".


# What the review queue's search box reads (campaign.search).
SIGN_ON_SEARCH = search_index(
    "sign_ons", "org_name", "signer_name", "signer_email", "city", "comment"
)


class SignOn(Base):
    """One organization's signature on one letter, as the signer wrote it."""

    __tablename__ = "sign_ons"
    __table_args__ = (
        # The same organization (normalised name + state) signs a letter once, even
        # under concurrent submissions; state first so it also serves per-state lookups.
        sa.UniqueConstraint("letter_id", "state", "org_key"),
        # Every count of a letter's sign-ons read from this index alone, at any size
        # (bench/pages.py: 100,000 sign-ons): the review queue's tallies (status, level,
        # state) and chart (signed_at); counted ones per letter, version, level and day
        # (dashboard, campaign and letter pages). One index, not one per page: each
        # sign-on written updates every index of the table.
        sa.Index(
            "ix_sign_ons_tallies",
            "letter_id",
            "status",
            "level",
            "state",
            "version_id",
            "confirmed_at",
            "signed_at",
        ),
        # A letter's sign-ons, newest first, a page at a time.
        sa.Index("ix_sign_ons_letter_created", "letter_id", "created_at", "id"),
        # A letter's sign-ons changed since a partner's last sync (the API's
        # ``filter=modified_date gt …``), a page at a time, from this index alone.
        sa.Index("ix_sign_ons_letter_updated", "letter_id", "updated_at", "id"),
        # A public sign-on joins the directory when confirmed: rows still pending (most
        # rows at the moment they are written) have no entry to add to these two.
        sa.Index(
            "ix_sign_ons_organization_id",
            "organization_id",
            sqlite_where=sa.text("organization_id IS NOT NULL"),
            postgresql_where=sa.text("organization_id IS NOT NULL"),
        ),
        # The review queue's "probable duplicates" filter reads the flag stored when a
        # sign-on is written (campaign.signons.dedup), from this index of the flagged rows
        # alone, in the list's order: no scan of a letter's sign-ons, no join per request.
        sa.Index(
            "ix_sign_ons_flagged",
            "letter_id",
            "created_at",
            "id",
            sqlite_where=sa.text("probable_duplicate_of_id IS NOT NULL"),
            postgresql_where=sa.text("probable_duplicate_of_id IS NOT NULL"),
        ),
        sa.Index(
            "ix_sign_ons_contact_id",
            "contact_id",
            sqlite_where=sa.text("contact_id IS NOT NULL"),
            postgresql_where=sa.text("contact_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_versions.id", ondelete="RESTRICT"), index=True
    )
    org_name: Mapped[str] = mapped_column(sa.String(300))
    org_key: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[Level] = mapped_column(str_enum(Level, 20))
    state: Mapped[str] = mapped_column(sa.String(2), default="")  # '' for national
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_email: Mapped[str] = mapped_column(sa.String(254))
    authorized: Mapped[bool] = mapped_column(default=False)
    # on what authority the signer signs (None: signed before the question was asked, or
    # added by hand or imported without it); ``authority_other`` says what "other" is
    authority: Mapped[Authority | None] = mapped_column(str_enum(Authority, 20))
    authority_other: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # None: not verified; else how (campaign.verification), and when
    verification: Mapped[Verified | None] = mapped_column(str_enum(Verified, 30))
    verified_at: Mapped[datetime | None]
    listed: Mapped[bool] = mapped_column(default=True)
    # the language the signer signed in ("en", "es"): every email to them is written in it
    language: Mapped[str] = mapped_column(sa.String(5), default="en", server_default="en")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    logo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    logo_kind: Mapped[str | None] = mapped_column(sa.String(10))
    keep_informed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[SignOnStatus] = mapped_column(
        str_enum(SignOnStatus, 20), default=SignOnStatus.PENDING
    )
    # sha256 of the first emailed token; the token itself is never stored. Later links
    # (a re-send, a reminder, a re-confirmation) are SignOnLink rows: each stays valid
    # until it expires, none revokes another (issue 14.5).
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    # when the sign-on's own address was last told about a new submission for its
    # organization (at most once a day: a form anyone can post is no mail cannon)
    reminded_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    # When the organization signed, whatever the route: the public form's first
    # confirmation (a re-confirmation after an edit leaves it), the timestamp of a CSV
    # row (else the import), the date on a paper sign-on. Every per-day figure reads it.
    signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date, partners' incremental sync)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    probable_duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="SET NULL")
    )
    source: Mapped[SignOnSource] = mapped_column(
        str_enum(SignOnSource, 10), default=SignOnSource.PUBLIC, server_default="public"
    )
    # set by the coordinator's review (campaign.review.services)
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="SET NULL")
    )
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # the day the organization asked to be taken off the letter
    withdrawn_on: Mapped[date | None]
    reviewed_at: Mapped[datetime | None]
    # the directory's organization and contact (campaign.directory); the columns above
    # keep what was written on this letter even when the directory changes later
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL")
    )

    # the indexed text (campaign.search.text.document): computed on every write
    search_text: Mapped[str] = mapped_column(
        sa.Text, default=insert_default(SIGN_ON_SEARCH), server_default=""
    )

    letter: Mapped[Letter] = relationship(lazy="raise")
    version: Mapped[LetterVersion] = relationship(lazy="raise")
    probable_duplicate_of: Mapped[SignOn | None] = relationship(
        remote_side=[id], foreign_keys=[probable_duplicate_of_id], lazy="raise"
    )
    merged_into: Mapped[SignOn | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id], lazy="raise"
    )

    @property
    def counted(self) -> bool:
        """Confirmed or approved: part of the letter's count."""
        return self.status in COUNTED


keep_in_step(SignOn, SIGN_ON_SEARCH)


def counts_or_once_counted() -> sa.ColumnElement[bool]:
    """A sign-on that counts (confirmed, approved) or once counted (withdrawn after its
    signer confirmed): the organization really signed, as the directory remembers it."""
    return sa.or_(
        SignOn.status.in_(COUNTED),
        sa.and_(SignOn.status == SignOnStatus.WITHDRAWN, SignOn.confirmed_at.is_not(None)),
    )


class SignOnLink(Base):
    """A further emailed link to a sign-on (re-send, reminder, re-confirmation): valid
    until ``expires_at``, whatever links were sent after it."""

    __tablename__ = "sign_on_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_on_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClaimDecision(enum.StrEnum):
    """What coordinators decided about a second signer."""

    SIGNER = "signer"  # the second signer now signs for the organization on this letter
    KEPT = "kept"  # the first signer stays; the second one stays a contact

    @property
    def label(self) -> str:
        return {"signer": "Made the signer", "kept": "First signer kept"}[self.value]


class SignOnClaim(Base):
    """A second person signing for an organization already on the letter (issue 16.2).

    They get the very email a new signer gets; only once they confirm their address are
    they recorded (a contact of the organization), the sign-on's own signer and the
    coordinators told, and the coordinators decide (``decision``).
    """

    __tablename__ = "sign_on_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_on_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="CASCADE"), index=True
    )
    org_name: Mapped[str] = mapped_column(sa.String(300))  # as this signer typed it
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_email: Mapped[str] = mapped_column(sa.String(254))
    listed: Mapped[bool] = mapped_column(default=True)
    # the language the signer signed in ("en", "es"): every email to them is written in it
    language: Mapped[str] = mapped_column(sa.String(5), default="en", server_default="en")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # another contact named by the sign-on's own signer (its manage page): once they
    # confirm, the signer stays (decided at once) and is not told "someone else signed"
    added_by_signer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    decision: Mapped[ClaimDecision | None] = mapped_column(str_enum(ClaimDecision, 10))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class ConsentOverride(Base):
    """A coordinator's decision to print a sign-on that signed an earlier text and has not
    re-confirmed since a material edit (e.g. "agreed by phone"): the reason, who, when.

    It covers the material edit it was given for (``material_number``); a later material
    edit needs a re-confirmation, or another override, again.
    """

    __tablename__ = "consent_overrides"
    __table_args__ = (sa.UniqueConstraint("sign_on_id", "material_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_on_id: Mapped[int] = mapped_column(sa.ForeignKey("sign_ons.id", ondelete="CASCADE"))
    material_number: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
