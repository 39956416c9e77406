"""Linking sign-ons to the directory: the organization by key + state, the contact by email.

``on_signons_counted`` receives the ``signons.signals.signons_counted`` signal (wired in
``campaign.create_app``): a coordinator's manual add and CSV import send it just before
the rows are inserted; a sign-on from the public page sends it when its signer confirms
the email (``signons.services.confirm_signon``), so the directory holds only confirmed
addresses and never misses one. Signing itself never imports the directory.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.db import insert_ignoring_conflicts, utcnow
from campaign.directory.invitations import mark_signed
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.signons.models import SignOn, SignOnClaim


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


_ORGS = Organization.__table__
_CONTACTS = Contact.__table__


def _organization_id(session: Session, signon: SignOn) -> tuple[int, bool]:
    """The id of the sign-on's organization (merges followed) and whether it is new.

    Insert first: most sign-ons come from organizations not yet in the directory, and
    ``ON CONFLICT DO NOTHING`` lets the unique key settle a race without a SAVEPOINT.
    """
    new_id = (
        session.connection()
        .execute(
            insert_ignoring_conflicts(session, _ORGS, returning=_ORGS.c.id),
            {
                "name": signon.org_name,
                "key": signon.org_key,
                "level": signon.level,
                "state": signon.state,
                "city": signon.city or "",
                "website": signon.website or "",
                "logo_sha256": signon.logo_sha256,
                "from_sign_on": True,
                "created_at": signon.created_at or utcnow(),
            },
        )
        .scalar()
    )
    if new_id is not None:
        return new_id, True
    org = session.scalars(
        sa.select(Organization).where(
            Organization.state == signon.state, Organization.key == signon.org_key
        )
    ).one()
    return resolve(session, org).id, False


def _contact_id(session: Session, signon: SignOn | SignOnClaim) -> tuple[int | None, bool]:
    """The id of the signer's contact (by email) and whether it is new; None without email."""
    email = normalise_email(signon.signer_email)
    if not email:
        return None, False
    new_id = (
        session.connection()
        .execute(
            insert_ignoring_conflicts(session, _CONTACTS, returning=_CONTACTS.c.id),
            {
                "name": signon.signer_name or "",
                "title": signon.signer_title or "",
                "email": email,
                "from_sign_on": True,
                "created_at": signon.created_at or utcnow(),
            },
        )
        .scalar()
    )
    if new_id is not None:
        return new_id, True
    contact = session.scalars(sa.select(Contact).where(Contact.email == email)).one()
    if not contact.name and signon.signer_name:
        contact.name = signon.signer_name
        contact.title = signon.signer_title or ""
    return contact.id, False


def attach(session: Session, org_id: int, contact_id: int) -> None:
    """Record that the contact may sign for the organization (once)."""
    session.connection().execute(
        insert_ignoring_conflicts(session, organization_contacts),
        {"organization_id": org_id, "contact_id": contact_id},
    )


def link_signons(session: Session, signons: Iterable[SignOn]) -> None:
    """Give each new sign-on its organization and contact, creating them when new.

    The sign-on's own columns (name, signer, title) stay as written on the letter.
    """
    signons = list(signons)
    for signon in signons:
        org_new = contact_new = False
        if signon.organization_id is None:
            signon.organization_id, org_new = _organization_id(session, signon)
        if signon.contact_id is None:
            signon.contact_id, contact_new = _contact_id(session, signon)
        if signon.contact_id is not None:
            attach(session, signon.organization_id, signon.contact_id)
        if not (org_new and (contact_new or signon.contact_id is None)):
            # an invitation names an organization or a contact already in the directory
            mark_signed(session, signon)
    # second signers who confirmed while the sign-on was still pending (one query)
    org_of = {s.id: s.organization_id for s in signons if s.id is not None}
    for claim in _confirmed_claims(session, list(org_of)):
        _attach_second_signer(session, org_of[claim.sign_on_id], claim)


def _confirmed_claims(session: Session, signon_ids: list[int]) -> list[SignOnClaim]:
    if not signon_ids:
        return []
    return list(
        session.scalars(
            sa.select(SignOnClaim).where(
                SignOnClaim.sign_on_id.in_(signon_ids), SignOnClaim.confirmed_at.is_not(None)
            )
        )
    )


def _attach_second_signer(session: Session, org_id: int, claim: SignOnClaim) -> None:
    contact_id, _new = _contact_id(session, claim)
    if contact_id is not None:
        attach(session, org_id, contact_id)


def on_second_signer_confirmed(session: Session, *, signon: SignOn, claim: SignOnClaim) -> None:
    """The directory's receiver of ``signons.signals.second_signer_confirmed``: a second
    contact for the organization, once it is in the directory (a sign-on still pending
    is not: its confirmed second signers are attached when it is linked)."""
    if signon.organization_id is not None:
        _attach_second_signer(session, signon.organization_id, claim)


def on_signons_counted(session: Session, *, signons: list[SignOn]) -> None:
    """The directory's receiver of ``signons.signals.signons_counted``: link each sign-on."""
    link_signons(session, signons)
