"""Verifying sign-ons: by the confirmed address's domain, by what the directory
remembers of the organization, or by a coordinator who records how.

A verified sign-on teaches the directory: its organization's domain and, when a
coordinator verified it, its signer as a known contact; the organization's later
sign-ons, on any letter, verify themselves. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import insert_ignoring_conflicts, utcnow
from campaign.letters.models import Letter
from campaign.signons.models import SignOn, SignOnStatus, Verified
from campaign.verification import domains
from campaign.verification.models import (
    KnownContact,
    Method,
    OrganizationDomain,
    SignOnVerification,
)


def automatic(session: Session, signon: SignOn) -> Verified | None:
    """How the sign-on verifies itself, if it does: its address at the website's domain,
    at a domain the directory knows as the organization's, or its signer a known contact
    of the organization (at most two small queries)."""
    found = domains.check(signon.signer_email, signon.website)
    if found == domains.DomainCheck.MATCH:
        return Verified.EMAIL_DOMAIN
    if signon.organization_id is None:
        return None
    mail = domains.email_domain(signon.signer_email)
    if mail and not domains.is_free_mail(mail):
        known = session.scalar(
            sa.select(OrganizationDomain.id).where(
                OrganizationDomain.organization_id == signon.organization_id,
                OrganizationDomain.domain == mail,
            )
        )
        if known is not None:
            return Verified.ORGANIZATION_DOMAIN
    if signon.contact_id is not None:
        known = session.scalar(
            sa.select(KnownContact.id).where(
                KnownContact.organization_id == signon.organization_id,
                KnownContact.contact_id == signon.contact_id,
            )
        )
        if known is not None:
            return Verified.KNOWN_CONTACT
    return None


def _remember_domain(session: Session, signon: SignOn, now: datetime) -> None:
    mail = domains.email_domain(signon.signer_email)
    if signon.organization_id is None or not mail or domains.is_free_mail(mail):
        return
    session.connection().execute(
        insert_ignoring_conflicts(session, OrganizationDomain.__table__),
        {
            "organization_id": signon.organization_id,
            "domain": mail,
            "sign_on_id": signon.id,
            "created_at": now,
        },
    )


def _remember_contact(session: Session, signon: SignOn, now: datetime) -> None:
    if signon.organization_id is None or signon.contact_id is None:
        return
    session.connection().execute(
        insert_ignoring_conflicts(session, KnownContact.__table__),
        {
            "organization_id": signon.organization_id,
            "contact_id": signon.contact_id,
            "sign_on_id": signon.id,
            "created_at": now,
        },
    )


def verify_confirmed(session: Session, signon: SignOn, *, now: datetime | None = None) -> None:
    """At confirmation (the signer's address is now proven), verify the sign-on if it
    verifies itself; an address at the website's domain teaches the directory the
    domain. A sign-on verified already stays as it is."""
    if signon.verification is not None:
        return
    how = automatic(session, signon)
    if how is None:
        return
    now = now or utcnow()
    signon.verification, signon.verified_at = how, now
    if how == Verified.EMAIL_DOMAIN:
        _remember_domain(session, signon, now)
    session.flush()
    record(session, None, "signon.verified", "sign_on", signon.id, how=how.value)


def on_signon_verifying(session: Session, *, signon: SignOn) -> None:
    """The receiver of ``signons.signals.signon_verifying``."""
    verify_confirmed(session, signon)


@dataclass(frozen=True)
class Verification:
    """What a coordinator records: how, with whom, when, and whether the signer's email
    domain is to be remembered as the organization's."""

    method: Method
    who: str
    verified_on: date | None
    notes: str = ""
    remember_domain: bool = False


def verify(
    session: Session,
    signon: SignOn,
    letter: Letter,
    data: Verification,
    *,
    actor: User,
    now: datetime | None = None,
) -> SignOnVerification:
    """A coordinator verified the sign-on: record how, with whom and when; the directory
    remembers the signer as a known contact of the organization (and, when asked, the
    address's domain as its own)."""
    now = now or utcnow()
    if signon.letter_id != letter.id:
        raise DomainError("This sign-on belongs to another letter.")
    if signon.status == SignOnStatus.MERGED:
        raise DomainError("A merged sign-on is verified through the one it was merged into.")
    who = " ".join((data.who or "").split())
    notes = (data.notes or "").strip()
    if not who:
        raise DomainError("Say with whom you verified it (a name, a role).", field="who")
    if data.method == Method.OTHER and not notes:
        raise DomainError("Say how you verified it.", field="notes")
    if data.verified_on is None:
        raise DomainError("Give the day you verified it.", field="verified_on")
    # a day of slack: "today" in Hawaii can be tomorrow in UTC
    if data.verified_on > (now + timedelta(days=1)).date():
        raise DomainError("The date cannot be in the future.", field="verified_on")
    row = SignOnVerification(
        sign_on_id=signon.id,
        method=data.method,
        who=who[:300],
        notes=notes,
        verified_on=data.verified_on,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(row)
    signon.verification, signon.verified_at = Verified.COORDINATOR, now
    signon.updated_at = now
    _remember_contact(session, signon, now)
    if data.remember_domain:
        _remember_domain(session, signon, now)
    session.flush()
    record(
        session,
        actor,
        "signon.verify",
        "sign_on",
        signon.id,
        method=data.method.value,
        who=who,
        verified_on=data.verified_on.isoformat(),
        remembered_domain=domains.email_domain(signon.signer_email) if data.remember_domain else "",
    )
    return row


def records(session: Session, signon: SignOn) -> list[SignOnVerification]:
    """The coordinators' verifications of the sign-on, oldest first."""
    return list(
        session.scalars(
            sa.select(SignOnVerification)
            .where(SignOnVerification.sign_on_id == signon.id)
            .order_by(SignOnVerification.created_at, SignOnVerification.id)
        )
    )


def update_settings(
    session: Session, letter: Letter, *, requires: bool, marks: bool, actor: User
) -> None:
    """The letter's verification settings: required for approval; marks on the public
    page and the PDF."""
    if (letter.requires_verification, letter.marks_verified) == (requires, marks):
        return
    letter.requires_verification, letter.marks_verified = requires, marks
    session.flush()
    record(
        session,
        actor,
        "letter.verification_settings",
        "letter",
        letter.id,
        requires_verification=requires,
        marks_verified=marks,
    )
