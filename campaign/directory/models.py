"""Organizations and contacts: the coalition's members across every letter they sign."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.search.index import insert_default, keep_in_step, search_index
from campaign.signons.models import Level

# The directory's search box: organizations by name and city, contacts by name and email.
ORGANIZATION_SEARCH = search_index("organizations", "name", "city")
CONTACT_SEARCH = search_index("contacts", "name", "email")

organization_contacts = sa.Table(
    "organization_contacts",
    Base.metadata,
    sa.Column(
        "organization_id",
        sa.ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "contact_id",
        sa.ForeignKey("contacts.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Organization(Base):
    """A member organization, known by the same key as sign-on de-duplication (state + name)."""

    __tablename__ = "organizations"
    __table_args__ = (
        sa.UniqueConstraint("state", "key"),
        # the API's incremental sync over a directory of tens of thousands
        sa.Index("ix_organizations_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    key: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[Level] = mapped_column(str_enum(Level, 20))
    state: Mapped[str] = mapped_column(sa.String(2), default="")  # '' for national
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    logo_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # brought in by a sign-on (not the directory's import): it goes again if no sign-on
    # that counts or once counted stays behind it (campaign.directory.upkeep)
    from_sign_on: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # set when merged into another organization; cleared by undoing the merge
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # any change of the row (the API's modified_date, partners' incremental sync)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    # the indexed text (campaign.search): computed on every write
    search_text: Mapped[str] = mapped_column(
        sa.Text, default=insert_default(ORGANIZATION_SEARCH), server_default=""
    )

    contacts: Mapped[list[Contact]] = relationship(
        secondary=organization_contacts, back_populates="organizations", lazy="raise"
    )


class Contact(Base):
    """A person who signs for one or more organizations; email is lower-cased and unique."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    unsubscribed_at: Mapped[datetime | None]
    forgotten_at: Mapped[datetime | None]
    # brought in by a sign-on (see Organization.from_sign_on)
    from_sign_on: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    search_text: Mapped[str] = mapped_column(
        sa.Text, default=insert_default(CONTACT_SEARCH), server_default=""
    )

    organizations: Mapped[list[Organization]] = relationship(
        secondary=organization_contacts, back_populates="contacts", lazy="raise"
    )


keep_in_step(Organization, ORGANIZATION_SEARCH)
keep_in_step(Contact, CONTACT_SEARCH)


class Invitation(Base):
    """A personal invitation to sign a letter; one per (letter, contact), ever."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("letter_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # sha256 of the token in the link; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
