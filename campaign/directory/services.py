"""Coordinator actions on the directory: merge and undo, forget a contact, unsubscribe.

Services flush and audit; they never commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.models import AuditEvent
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError, NotFound
from campaign.db import utcnow
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.search.index import refresh
from campaign.signons.models import SIGN_ON_SEARCH, SignOn, SignOnClaim

FORGOTTEN_NAME = "(forgotten)"


def _links(session: Session, org_id: int) -> set[int]:
    return set(
        session.scalars(
            sa.select(organization_contacts.c.contact_id).where(
                organization_contacts.c.organization_id == org_id
            )
        )
    )


def merge(
    session: Session, source: Organization, target: Organization, *, actor: User
) -> AuditEvent:
    """Merge ``source`` into ``target``: its sign-ons and contacts move to ``target``.

    The audit event lists exactly what moved (sign-on ids, contact links removed from
    the source and added to the target), which is what ``undo_merge`` reverses.
    """
    if source.id == target.id:
        raise DomainError("Choose another organization to merge into.", field="target_id")
    if source.merged_into_id is not None:
        raise DomainError("This organization has already been merged.")
    if target.merged_into_id is not None:
        raise DomainError("That organization has been merged into another one.", field="target_id")
    signon_ids = list(
        session.scalars(sa.select(SignOn.id).where(SignOn.organization_id == source.id))
    )
    if signon_ids:
        session.execute(
            sa.update(SignOn).where(SignOn.id.in_(signon_ids)).values(organization_id=target.id)
        )
    source_links = _links(session, source.id)
    target_links = _links(session, target.id)
    added = sorted(source_links - target_links)
    if source_links:
        session.execute(
            organization_contacts.delete().where(
                organization_contacts.c.organization_id == source.id
            )
        )
    for contact_id in added:
        session.execute(
            organization_contacts.insert().values(organization_id=target.id, contact_id=contact_id)
        )
    source.merged_into_id = target.id
    session.flush()
    session.expire_all()
    return record(
        session,
        actor,
        "organization.merge",
        "organization",
        source.id,
        source_id=source.id,
        source_name=source.name,
        target_id=target.id,
        target_name=target.name,
        signon_ids=signon_ids,
        source_contact_ids=sorted(source_links),
        added_contact_ids=added,
    )


def merge_event(session: Session, event_id: int) -> AuditEvent:
    """The audit record of a merge (404 for anything else)."""
    event = session.get(AuditEvent, event_id)
    if event is None or event.action != "organization.merge":
        raise NotFound("There is no such merge.")
    return event


def undo_merge(session: Session, event: AuditEvent, *, actor: User) -> Organization:
    """Reverse a merge from its audit record: the source comes back with what it had.

    Sign-ons that still point at the target go back; sign-ons linked to the target since
    the merge stay there (they were signed under the surviving organization).
    """
    details = event.details or {}
    source = session.get(Organization, int(details.get("source_id") or 0))
    target_id = int(details.get("target_id") or 0)
    if source is None or session.get(Organization, target_id) is None:
        raise NotFound("One of the merged organizations no longer exists.")
    if source.merged_into_id != target_id:
        raise DomainError("This merge has already been undone.")
    signon_ids = [int(i) for i in details.get("signon_ids", [])]
    if signon_ids:
        session.execute(
            sa.update(SignOn)
            .where(SignOn.id.in_(signon_ids), SignOn.organization_id == target_id)
            .values(organization_id=source.id)
        )
    added = [int(i) for i in details.get("added_contact_ids", [])]
    if added:
        session.execute(
            organization_contacts.delete().where(
                organization_contacts.c.organization_id == target_id,
                organization_contacts.c.contact_id.in_(added),
            )
        )
    current = _links(session, source.id)
    for contact_id in details.get("source_contact_ids", []):
        if int(contact_id) not in current and session.get(Contact, int(contact_id)) is not None:
            session.execute(
                organization_contacts.insert().values(
                    organization_id=source.id, contact_id=int(contact_id)
                )
            )
    source.merged_into_id = None
    session.flush()
    record(
        session,
        actor,
        "organization.unmerge",
        "organization",
        source.id,
        merge_event_id=event.id,
        target_id=target_id,
        signon_ids=signon_ids,
    )
    return source


def forget_contact(
    session: Session, contact: Contact, *, actor: User, now: datetime | None = None
) -> Contact:
    """Remove a person's data: the contact and their sign-ons' signer fields are blanked.

    The sign-on rows themselves stay (status, organization, letter, version), so every
    letter's count is unchanged. The audit event names no personal data.
    """
    if contact.forgotten_at is not None:
        raise DomainError("This contact has already been forgotten.")
    now = now or utcnow()
    email = contact.email
    theirs = sa.or_(SignOn.contact_id == contact.id, sa.func.lower(SignOn.signer_email) == email)
    signon_ids = list(session.scalars(sa.select(SignOn.id).where(theirs)))
    result = session.execute(
        sa.update(SignOn)
        .where(theirs)
        .values(signer_name=FORGOTTEN_NAME, signer_title="", signer_email="", updated_at=now)
    )
    # the search must no longer find the sign-ons by their name or address
    refresh(session, SignOn, SIGN_ON_SEARCH, signon_ids)
    # their signing again for an organization (a second signer), confirmed or not
    session.execute(sa.delete(SignOnClaim).where(sa.func.lower(SignOnClaim.signer_email) == email))
    contact.name = FORGOTTEN_NAME
    contact.title = ""
    contact.phone = ""
    contact.email = f"forgotten-{contact.id}@invalid"
    contact.forgotten_at = now
    contact.unsubscribed_at = contact.unsubscribed_at or now
    session.flush()
    record(
        session,
        actor,
        "contact.forget",
        "contact",
        contact.id,
        signons_blanked=result.rowcount,
    )
    return contact


def unsubscribe(
    session: Session, contact: Contact, *, actor: User | None = None, now: datetime | None = None
) -> Contact:
    """Stop all later invitations to the contact (idempotent)."""
    if contact.unsubscribed_at is None:
        contact.unsubscribed_at = now or utcnow()
        session.flush()
        record(session, actor, "contact.unsubscribe", "contact", contact.id)
    return contact
