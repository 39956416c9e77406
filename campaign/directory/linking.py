"""Linking sign-ons to the directory: the organization by key + state, the contact by email.

Every way a sign-on row is created (public page, manual add, CSV import) calls
``link_signons`` just before the row is inserted, so the directory never misses one.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.directory.invitations import mark_signed
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.signons.models import SignOn


def normalise_email(email: str) -> str:
    """The directory's form of an address: trimmed and lower-cased."""
    return (email or "").strip().lower()


def resolve(session: Session, org: Organization) -> Organization:
    """Follow merges to the organization that now stands for ``org``."""
    seen = set()
    while org.merged_into_id is not None and org.id not in seen:
        seen.add(org.id)
        target = session.get(Organization, org.merged_into_id)
        if target is None:
            break
        org = target
    return org


def _organization_for(session: Session, signon: SignOn) -> Organization:
    org = session.scalar(
        sa.select(Organization).where(
            Organization.state == signon.state, Organization.key == signon.org_key
        )
    )
    if org is not None:
        return resolve(session, org)
    org = Organization(
        name=signon.org_name,
        key=signon.org_key,
        level=signon.level,
        state=signon.state,
        city=signon.city or "",
        website=signon.website or "",
        logo_sha256=signon.logo_sha256,
        created_at=signon.created_at or utcnow(),
    )
    try:
        # a concurrent sign-on may create the same organization: the unique key decides
        with session.begin_nested():
            session.add(org)
            session.flush()
    except sa.exc.IntegrityError:
        org = session.scalars(
            sa.select(Organization).where(
                Organization.state == signon.state, Organization.key == signon.org_key
            )
        ).one()
        return resolve(session, org)
    return org


def _contact_for(session: Session, signon: SignOn) -> Contact | None:
    email = normalise_email(signon.signer_email)
    if not email:
        return None
    contact = session.scalar(sa.select(Contact).where(Contact.email == email))
    if contact is not None:
        if not contact.name and signon.signer_name:
            contact.name = signon.signer_name
            contact.title = signon.signer_title or ""
        return contact
    contact = Contact(
        name=signon.signer_name or "",
        title=signon.signer_title or "",
        email=email,
        created_at=signon.created_at or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(contact)
            session.flush()
    except sa.exc.IntegrityError:
        contact = session.scalars(sa.select(Contact).where(Contact.email == email)).one()
    return contact


def attach(session: Session, org_id: int, contact_id: int) -> None:
    """Record that the contact may sign for the organization (once)."""
    exists = session.scalar(
        sa.select(sa.literal(1)).where(
            organization_contacts.c.organization_id == org_id,
            organization_contacts.c.contact_id == contact_id,
        )
    )
    if not exists:
        session.execute(
            organization_contacts.insert().values(organization_id=org_id, contact_id=contact_id)
        )


def link_signons(session: Session, signons: Iterable[SignOn]) -> None:
    """Give each new sign-on its organization and contact, creating them when new.

    The sign-on's own columns (name, signer, title) stay as written on the letter.
    """
    for signon in signons:
        if signon.organization_id is None:
            signon.organization_id = _organization_for(session, signon).id
        if signon.contact_id is None:
            contact = _contact_for(session, signon)
            if contact is not None:
                signon.contact_id = contact.id
        if signon.contact_id is not None:
            attach(session, signon.organization_id, signon.contact_id)
        mark_signed(session, signon)
