"""Invitations to sign a letter: one personal link per contact, never twice, unsubscribe.

The link carries a token signed with the app's secret (itsdangerous); only its sha256
is stored. Services get the serializer from the view: they never see the app.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.coalition import coalition_of
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.directory.models import Contact, Invitation, Organization, organization_contacts
from campaign.i18n import force_locale
from campaign.i18n import gettext as _
from campaign.letters.languages import title_in
from campaign.letters.models import Letter
from campaign.mail.services import enqueue_template
from campaign.signons.models import COUNTED, SignOn, counts_or_once_counted

INVITE_SALT = "directory.invitation"
UNSUBSCRIBE_SALT = "directory.unsubscribe"
# (token) -> absolute URL, built by the view with core.urls.external_url (CAMPAIGN_BASE_URL)
LinkFor = Callable[[str], str]


def serializer(secret: str, salt: str) -> URLSafeSerializer:
    """The signer of invitation or unsubscribe tokens."""
    return URLSafeSerializer(secret, salt=salt)


def hash_token(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def organizations_signed(session: Session, letter_id: int) -> list[int]:
    """The organizations with a counted sign-on on the letter ("everyone who signed X")."""
    return list(
        session.scalars(
            sa.select(SignOn.organization_id)
            .distinct()
            .where(
                SignOn.letter_id == letter_id,
                SignOn.status.in_(COUNTED),
                SignOn.organization_id.is_not(None),
            )
        )
    )


@dataclass
class InvitationPlan:
    """What inviting these organizations to a letter would do, before anything is sent."""

    pairs: list[tuple[Organization, Contact]] = field(default_factory=list)  # to invite
    already_invited: int = 0  # contacts invited to this letter before
    unsubscribed: int = 0  # contacts who unsubscribed, or were forgotten
    on_letter: int = 0  # organizations already on the letter
    on_letter_contacts: int = 0  # ... and their contacts, not invited again
    without_contact: int = 0  # organizations with no contact to write to

    @property
    def count(self) -> int:
        """How many invitations would be sent."""
        return len(self.pairs)

    @property
    def organizations(self) -> int:
        """How many organizations they are for."""
        return len({org.id for org, _ in self.pairs})

    @property
    def skipped(self) -> int:
        """Contacts left out (already invited, unsubscribed or forgotten, on the letter)."""
        return self.already_invited + self.unsubscribed + self.on_letter_contacts


def plan_invitations(
    session: Session, letter: Letter, org_ids: Iterable[int], *, now: datetime | None = None
) -> InvitationPlan:
    """Who would be invited (one invitation per contact of these organizations) and who
    not, and why; writes nothing. Raises when the letter takes no sign-ons or nothing
    matches."""
    now = now or utcnow()
    if not letter.accepts_signons(now):
        raise DomainError("This letter does not accept sign-ons now.")
    ids = sorted({int(i) for i in org_ids})
    if not ids:
        raise DomainError("No organization matches.")
    on_letter = set(
        session.scalars(
            sa.select(SignOn.organization_id).where(
                SignOn.letter_id == letter.id, SignOn.organization_id.in_(ids)
            )
        )
    )
    pairs = session.execute(
        sa.select(Organization, Contact)
        .join(organization_contacts, organization_contacts.c.organization_id == Organization.id)
        .join(Contact, Contact.id == organization_contacts.c.contact_id)
        .where(Organization.id.in_(ids), Organization.merged_into_id.is_(None))
        .order_by(Organization.id, Contact.id)
    ).all()
    invited = set(
        session.scalars(sa.select(Invitation.contact_id).where(Invitation.letter_id == letter.id))
    )
    plan = InvitationPlan()
    with_contact = set()
    for org, contact in pairs:
        with_contact.add(org.id)
        if org.id in on_letter:
            plan.on_letter_contacts += 1
        elif contact.id in invited:
            plan.already_invited += 1
        elif contact.unsubscribed_at is not None or contact.forgotten_at is not None:
            plan.unsubscribed += 1
        else:
            invited.add(contact.id)  # a contact of two organizations is invited once
            plan.pairs.append((org, contact))
    plan.on_letter = len(on_letter)
    plan.without_contact = len(set(ids) - with_contact - on_letter)
    return plan


def invite(
    session: Session,
    letter: Letter,
    plan: InvitationPlan,
    *,
    actor: User,
    invite_signer: URLSafeSerializer,
    unsubscribe_signer: URLSafeSerializer,
    sign_link: LinkFor,
    unsubscribe_link: LinkFor,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Queue the invitations of ``plan`` (see :func:`plan_invitations`), one per contact;
    returns (queued, skipped). A contact invited meanwhile by another coordinator is
    skipped (the (letter, contact) pair is unique)."""
    now = now or utcnow()
    queued, skipped = 0, plan.skipped
    coalition = coalition_of(session, letter.campaign_id)
    languages = last_languages(session, [contact.id for _org, contact in plan.pairs])
    for org, contact in plan.pairs:
        token = invite_signer.dumps([letter.id, contact.id, secrets.token_urlsafe(8)])
        invitation = Invitation(
            letter_id=letter.id,
            contact_id=contact.id,
            organization_id=org.id,
            token_hash=hash_token(token),
            sent_at=now,
        )
        try:
            # (letter, contact) is unique: a concurrent invite of the same contact loses here
            with session.begin_nested():
                session.add(invitation)
                session.flush()
        except sa.exc.IntegrityError:
            skipped += 1
            continue
        # in the language the contact last signed in; its links open the pages in it
        language = languages.get(contact.id, "en")
        title = title_in(letter, language)
        with force_locale(language):
            enqueue_template(
                session,
                to=contact.email,
                subject=_(
                    "Will %(organization)s sign? %(title)s", organization=org.name, title=title
                ),
                template="directory_invitation",
                kind="directory.invitation",
                **coalition.mail_identity(),
                coalition=coalition,
                letter=letter,
                title=title,
                org=org,
                contact=contact,
                link=in_language(sign_link(token), language),
                unsubscribe=in_language(
                    unsubscribe_link(unsubscribe_signer.dumps(contact.id)), language
                ),
            )
        queued += 1
    record(
        session,
        actor,
        "letter.invite",
        "letter",
        letter.id,
        queued=queued,
        skipped=skipped,
        organizations=plan.organizations,
    )
    return queued, skipped


def last_languages(session: Session, contact_ids: Iterable[int]) -> dict[int, str]:
    """Each contact's language: the one of their latest sign-on (English without one)."""
    ids = list(contact_ids)
    if not ids:
        return {}
    rows = session.execute(
        sa.select(SignOn.contact_id, SignOn.language)
        .where(SignOn.contact_id.in_(ids))
        .order_by(SignOn.contact_id, SignOn.id)
    )
    return {contact_id: language for contact_id, language in rows}  # the last row wins


def in_language(url: str, language: str) -> str:
    """``url`` opening its public page in ``language`` (English needs no parameter)."""
    if language == "en":
        return url
    return f"{url}{'&' if '?' in url else '?'}lang={language}"


def open_invitation(
    session: Session,
    letter: Letter,
    token: str,
    invite_signer: URLSafeSerializer,
    now: datetime | None = None,
) -> tuple[Organization, Contact] | None:
    """The organization and contact behind an invitation link (first opening recorded).

    The link fills in a contact's name and address: it works only while the letter takes
    sign-ons (until its deadline; after delivery, while it collects for an addendum) and
    until the organization has signed (issue 16: links that never expired)."""
    now = now or utcnow()
    if not token or len(token) > 300 or not letter.accepts_signons(now):
        return None
    try:
        letter_id, _contact_id, _nonce = invite_signer.loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if letter_id != letter.id:
        return None
    invitation = session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.signed_at is not None:
        return None
    contact = session.get(Contact, invitation.contact_id)
    org = session.get(Organization, invitation.organization_id)
    if contact is None or org is None or contact.forgotten_at is not None:
        return None
    if invitation.opened_at is None:
        invitation.opened_at = now
        session.flush()
    return org, contact


def mark_signed(session: Session, signon: SignOn, now: datetime | None = None) -> None:
    """Record that an invited organization (or contact) signed the letter."""
    if signon.organization_id is None:
        return
    conds = [Invitation.organization_id == signon.organization_id]
    if signon.contact_id is not None:
        conds.append(Invitation.contact_id == signon.contact_id)
    session.execute(
        sa.update(Invitation)
        .where(
            Invitation.letter_id == signon.letter_id,
            Invitation.signed_at.is_(None),
            sa.or_(*conds),
        )
        .values(signed_at=now or utcnow())
    )


def last_listing(session: Session, org_id: int) -> bool | None:
    """Whether the organization asked to be listed by name the last time it signed (a
    sign-on that counts or once counted, on any letter); None if it never signed.

    An invitation fills the form in with that choice: an organization that signed
    "count us, don't list us" is not offered "list our name" by default.
    """
    return session.scalar(
        sa.select(SignOn.listed)
        .where(SignOn.organization_id == org_id, counts_or_once_counted())
        .order_by(SignOn.signed_at.desc().nulls_last(), SignOn.id.desc())
        .limit(1)
    )


def contact_for_unsubscribe(
    session: Session, token: str, unsubscribe_signer: URLSafeSerializer
) -> Contact | None:
    """The contact an unsubscribe link names, or None for a bad link."""
    if not token or len(token) > 300:
        return None
    try:
        contact_id = unsubscribe_signer.loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(contact_id, int):
        return None
    return session.get(Contact, contact_id)


def invitation_stats(session: Session) -> dict[int, dict[str, int]]:
    """Sent, opened and signed invitations per letter, in one query."""
    rows = session.execute(
        sa.select(
            Invitation.letter_id,
            sa.func.count(Invitation.id),
            sa.func.count(Invitation.opened_at),
            sa.func.count(Invitation.signed_at),
        ).group_by(Invitation.letter_id)
    )
    return {lid: {"sent": s, "opened": o, "signed": g} for lid, s, o, g in rows}
