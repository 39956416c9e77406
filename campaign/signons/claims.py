"""Second signers: another person signing for an organization already on a letter.

Issue 16.2: the form must not be a way to learn whether, when or how an organization
signed. Whoever signs again gets the email a new signer gets (``signing._already_signed``
records a ``SignOnClaim``); only once they confirm their address here are they recorded
(the directory adds them as a contact of the organization, through a signal), the
sign-on's own signer emailed, and the coordinators shown a decision to take
(``decide``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.i18n import gettext as _
from campaign.letters.models import Letter, PublicLetter
from campaign.signons import notify
from campaign.signons.models import COUNTED, ClaimDecision, SignOn, SignOnClaim, SignOnStatus
from campaign.signons.services import approves_at_once, token_expired
from campaign.signons.signals import (
    second_signer_confirmed,
    signon_verifying,
    signons_counted,
)
from campaign.signons.signing import LinkFor


def confirm_claim(
    session: Session, claim: SignOnClaim, signon: SignOn, letter: Letter, *, now=None
) -> None:
    """The second signer confirmed their address: record them, tell the sign-on's signer."""
    now = now or utcnow()
    if not letter.takes_confirmations:
        raise DomainError(_("This letter can no longer be confirmed."))
    if claim.confirmed_at is not None:
        raise DomainError(_("This sign-on cannot be confirmed."))
    if token_expired(claim.token_expires_at, now):
        raise DomainError(_("This link has expired."))
    claim.confirmed_at = now
    if claim.added_by_signer:  # the signer named them: nothing for coordinators to decide
        claim.decision, claim.decided_at = ClaimDecision.KEPT, now
    session.flush()
    second_signer_confirmed.send(session, signon=signon, claim=claim)
    if not claim.added_by_signer:
        notify.mail(session, signon, letter, "signon_second_signer", "notice", None, claim=claim)
    record(
        session,
        None,
        "signon.second_signer",
        "sign_on",
        signon.id,
        letter_id=letter.id,
        claim_id=claim.id,
        email=claim.signer_email,
    )


def resend_claim(
    session: Session,
    claim: SignOnClaim,
    signon: SignOn,
    letter: Letter | PublicLetter,
    *,
    link_for: LinkFor,
    now: datetime | None = None,
) -> None:
    """A fresh link for a second signer whose link expired (the expired one is replaced:
    it opened nothing any more)."""
    now = now or utcnow()
    if not letter.takes_confirmations:
        raise DomainError(_("This letter can no longer be confirmed."))
    if claim.confirmed_at is not None:
        raise DomainError(_("This sign-on needs no confirmation."))
    token = secrets.token_urlsafe(32)
    claim.token_hash = notify.hash_token(token)
    claim.token_expires_at = now + notify.TOKEN_LIFETIME
    notify.mail(session, claim, letter, "signon_pending_again", "confirm", link_for(signon, token))
    session.flush()


def waiting(session: Session, signon: SignOn) -> list[SignOnClaim]:
    """The sign-on's confirmed second signers, decided or not, oldest first."""
    return list(
        session.scalars(
            sa.select(SignOnClaim)
            .where(SignOnClaim.sign_on_id == signon.id, SignOnClaim.confirmed_at.is_not(None))
            .order_by(SignOnClaim.confirmed_at, SignOnClaim.id)
        )
    )


def undecided() -> sa.ColumnElement[bool]:
    """A confirmed second signer no coordinator has decided on yet (for counts)."""
    return sa.and_(SignOnClaim.confirmed_at.is_not(None), SignOnClaim.decision.is_(None))


def decide(
    session: Session,
    claim: SignOnClaim,
    signon: SignOn,
    letter: Letter,
    *,
    decision: ClaimDecision,
    actor: User,
    now: datetime | None = None,
) -> None:
    """A coordinator's decision on a confirmed second signer.

    ``SIGNER``: they sign for the organization on this letter from now on (name, title,
    email and the listing choice they made); a sign-on still pending (its first signer
    never confirmed) is thereby confirmed, since this signer did. ``KEPT``: the first
    signer stays; the second stays a contact of the organization.
    """
    now = now or utcnow()
    if claim.sign_on_id != signon.id or claim.confirmed_at is None:
        raise DomainError("There is no confirmed second signer to decide on.")
    if claim.decision is not None:
        raise DomainError("This second signer was decided on already.")
    if letter.signons_frozen:
        raise DomainError("The letter's sign-ons can no longer change.")
    old = {"signer_name": signon.signer_name, "signer_email": signon.signer_email}
    if decision == ClaimDecision.SIGNER:
        signon.signer_name = claim.signer_name
        signon.signer_title = claim.signer_title
        signon.signer_email = claim.signer_email
        signon.listed = claim.listed
        signon.contact_id = None  # linked again below, to this signer's contact
        # another signer: the first one's verification was theirs, not this one's
        signon.verification = signon.verified_at = None
        pending = signon.status == SignOnStatus.PENDING
        if pending:
            signon.confirmed_at = claim.confirmed_at
            signon.signed_at = signon.signed_at or claim.confirmed_at
        signon.updated_at = now
        if pending or signon.status in COUNTED:
            # the directory links the organization and this signer
            signons_counted.send(session, signons=[signon])
            signon_verifying.send(session, signon=signon)
        if pending:
            signon.status = (
                SignOnStatus.APPROVED
                if approves_at_once(letter, signon)
                else SignOnStatus.CONFIRMED
            )
    claim.decision = decision
    claim.decided_at = now
    claim.decided_by_id = actor.id
    session.flush()
    record(
        session,
        actor,
        "signon.second_signer_decided",
        "sign_on",
        signon.id,
        claim_id=claim.id,
        decision=decision.value,
        **(old if decision == ClaimDecision.SIGNER else {}),
    )
