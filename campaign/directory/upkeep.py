"""Keeping junk out of the directory: organizations and contacts come only from sign-ons
that count (confirmed, approved) or once counted (withdrawn after confirming).

When a coordinator rejects a sign-on ("test") or merges a duplicate into its original,
what that sign-on alone brought into the directory goes again; approving a rejected
sign-on brings it back. Organizations and contacts entered in the directory itself
(its CSV import), or that a coordinator has since worked with (notes, invitations, a
merge, an unsubscribe), are never removed this way.

:func:`on_signon_reviewed` receives the ``signons.signals.signon_reviewed`` signal that
``review.services`` sends (wired in ``campaign.create_app``): review does not import the
directory.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from campaign.directory.linking import attach, link_signons
from campaign.directory.models import Contact, Invitation, Organization, organization_contacts
from campaign.signons.models import SignOn, SignOnStatus, counts_or_once_counted


def _orphan_organizations(ids: list[int] | None) -> sa.Select:
    """Those of ``ids`` (None: all) that came from sign-ons, none of which supports them
    any more, and that nobody has worked with in the directory since."""
    merged = aliased(Organization)
    query = sa.select(Organization.id).where(
        Organization.from_sign_on.is_(True),
        Organization.merged_into_id.is_(None),
        Organization.notes == "",
        ~sa.exists().where(SignOn.organization_id == Organization.id, counts_or_once_counted()),
        ~sa.exists().where(Invitation.organization_id == Organization.id),
        ~sa.exists().where(merged.merged_into_id == Organization.id),
    )
    return query if ids is None else query.where(Organization.id.in_(ids))


def _orphan_contacts(ids: list[int] | None) -> sa.Select:
    """Those of ``ids`` (None: all) that came from sign-ons no longer supporting them,
    never invited and never unsubscribed or forgotten (those are kept to be honoured)."""
    query = sa.select(Contact.id).where(
        Contact.from_sign_on.is_(True),
        Contact.unsubscribed_at.is_(None),
        Contact.forgotten_at.is_(None),
        # a duplicate's signer confirmed their address: they stay, with the original
        ~sa.exists().where(
            SignOn.contact_id == Contact.id,
            sa.or_(
                counts_or_once_counted(),
                sa.and_(SignOn.status == SignOnStatus.MERGED, SignOn.confirmed_at.is_not(None)),
            ),
        ),
        ~sa.exists().where(Invitation.contact_id == Contact.id),
    )
    return query if ids is None else query.where(Contact.id.in_(ids))


def prune(
    session: Session, org_ids: list[int] | None, contact_ids: list[int] | None
) -> tuple[int, int]:
    """Remove those of these organizations and contacts (None: any) that nothing supports
    any more (see the module's docstring); their sign-ons keep their rows, unlinked.
    Returns how many organizations and contacts went."""
    session.flush()
    orgs = list(session.scalars(_orphan_organizations(org_ids))) if org_ids != [] else []
    contacts = list(session.scalars(_orphan_contacts(contact_ids))) if contact_ids != [] else []
    for start in range(0, len(orgs), 500):
        _delete_organizations(session, orgs[start : start + 500])
    for start in range(0, len(contacts), 500):
        _delete_contacts(session, contacts[start : start + 500])
    session.flush()
    return len(orgs), len(contacts)


def _delete_organizations(session: Session, orgs: list[int]) -> None:
    if orgs:
        session.execute(
            sa.update(SignOn)
            .where(SignOn.organization_id.in_(orgs))
            .values(organization_id=None)
            .execution_options(synchronize_session="fetch")
        )
        session.execute(
            sa.delete(organization_contacts).where(
                organization_contacts.c.organization_id.in_(orgs)
            )
        )
        session.execute(sa.delete(Organization).where(Organization.id.in_(orgs)))


def _delete_contacts(session: Session, contacts: list[int]) -> None:
    if contacts:
        session.execute(
            sa.update(SignOn)
            .where(SignOn.contact_id.in_(contacts))
            .values(contact_id=None)
            .execution_options(synchronize_session="fetch")
        )
        session.execute(
            sa.delete(organization_contacts).where(organization_contacts.c.contact_id.in_(contacts))
        )
        session.execute(sa.delete(Contact).where(Contact.id.in_(contacts)))


def on_signon_reviewed(
    session: Session, *, signon: SignOn, status: SignOnStatus, original: SignOn | None = None
) -> None:
    """What a coordinator's decision on a sign-on means for the directory.

    Rejected: what it alone brought in goes. Merged into ``original``: the same
    organization, so its signer is kept as a contact of the original's organization and
    its own entry goes. Approved (a rejected one, again): it is linked anew.
    """
    if status == SignOnStatus.APPROVED:
        if signon.organization_id is None or signon.contact_id is None:
            link_signons(session, [signon])
        return
    if status not in (SignOnStatus.REJECTED, SignOnStatus.MERGED):
        return
    org_id, contact_id = signon.organization_id, signon.contact_id
    if status == SignOnStatus.MERGED and original is not None and original.organization_id:
        if contact_id is not None:
            attach(session, original.organization_id, contact_id)
        signon.organization_id = original.organization_id
    prune(session, [org_id] if org_id else [], [contact_id] if contact_id else [])


def on_signon_renamed(session: Session, *, signon: SignOn, old_name: str) -> None:
    """A corrected name on a sign-on corrects the directory entry that sign-on brought in,
    while the entry still carries the name as the sign-on wrote it and nobody has worked
    with it (notes): the directory has no name editor of its own, and a later sign-on under
    the right name would otherwise start a second entry. A name the coalition entered or
    kept is left alone, and so is one another entry already holds (merge those there)."""
    if signon.organization_id is None:
        return
    org = session.get(Organization, signon.organization_id)
    if org is None or not org.from_sign_on or org.notes or org.name != old_name:
        return
    taken = session.scalar(
        sa.select(Organization.id).where(
            Organization.state == org.state,
            Organization.key == signon.org_key,
            Organization.id != org.id,
        )
    )
    if taken is None:
        org.name, org.key = signon.org_name, signon.org_key
        session.flush()


def prune_all(session: Session) -> tuple[int, int]:
    """Remove every organization and contact that came from sign-ons none of which counts
    or once counted (junk left from before this rule); returns how many of each went."""
    return prune(session, None, None)
