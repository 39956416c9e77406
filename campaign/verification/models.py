"""What coordinators recorded about verification, and what the directory remembers."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.auth.models import User
from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class Method(enum.StrEnum):
    """How a coordinator verified that the signer speaks for the organization."""

    PHONE = "phone"
    KNOWN_CONTACT = "known_contact"
    BOARD_MINUTES = "board_minutes"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "phone": "Phone call to a number known to be the organization's",
            "known_contact": "The signer is a contact we know",
            "board_minutes": "Board minutes or resolution",
            "other": "Other",
        }[self.value]


class SignOnVerification(Base):
    """A coordinator's verification of one sign-on: how, with whom, on what day."""

    __tablename__ = "sign_on_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_on_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[Method] = mapped_column(str_enum(Method, 20))
    # who confirmed it (a name, a role, a phone number called), and anything else to know
    who: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    verified_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="raise")


class OrganizationDomain(Base):
    """An email domain known to be the organization's own: a confirmed address there
    verifies its later sign-ons, on any letter."""

    __tablename__ = "organization_domains"
    __table_args__ = (sa.UniqueConstraint("organization_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE")
    )
    domain: Mapped[str] = mapped_column(sa.String(253))
    # the sign-on whose verification taught it (kept when that sign-on goes)
    sign_on_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnownContact(Base):
    """A contact verified to speak for the organization: their later sign-ons for it
    verify themselves."""

    __tablename__ = "organization_known_contacts"
    __table_args__ = (sa.UniqueConstraint("organization_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    sign_on_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_ons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
