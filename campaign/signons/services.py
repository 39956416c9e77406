"""Confirming by email, counts, signatories and re-confirmation.

Signing itself is in ``signing`` and telling organizations apart in ``dedup``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.i18n import gettext as _
from campaign.letters.models import Letter, LetterVersion
from campaign.letters.services import latest_material_number
from campaign.signons import consent, notify
from campaign.signons.models import COUNTED, SignOn, SignOnClaim, SignOnLink, SignOnStatus
from campaign.signons.signals import signon_confirmed, signon_verifying, signons_counted
from campaign.signons.signing import LinkFor, shown_version


@dataclass(frozen=True)
class Link:
    """What an emailed token opens: a sign-on (by any of its links, each with its own
    expiry) or a second signer's claim on it."""

    signon: SignOn
    expires_at: datetime | None
    claim: SignOnClaim | None = None

    @property
    def expired(self) -> bool:
        """Past its 7 days."""
        return token_expired(self.expires_at)


def find_link(session: Session, letter: Letter, token: str) -> Link | None:
    """The sign-on (or second signer) of this letter whose emailed token is ``token``."""
    if not token or len(token) > 100:
        return None
    digest = notify.hash_token(token)
    signon = session.scalar(
        sa.select(SignOn).where(SignOn.token_hash == digest, SignOn.letter_id == letter.id)
    )
    if signon is not None:  # the first link, the one nearly every signer follows
        return Link(signon, signon.token_expires_at)
    row = session.execute(
        sa.select(SignOn, SignOnLink.expires_at)
        .join(SignOnLink, SignOnLink.sign_on_id == SignOn.id)
        .where(SignOnLink.token_hash == digest, SignOn.letter_id == letter.id)
    ).first()
    if row is not None:
        return Link(row[0], row[1])
    row = session.execute(
        sa.select(SignOn, SignOnClaim)
        .join(SignOnClaim, SignOnClaim.sign_on_id == SignOn.id)
        .where(SignOnClaim.token_hash == digest, SignOn.letter_id == letter.id)
    ).first()
    if row is not None:
        return Link(row[0], row[1].token_expires_at, claim=row[1])
    return None


def token_expired(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """True when an emailed link is past its 7 days."""
    return expires_at is None or (now or utcnow()) >= expires_at


def needs_reconfirm(session: Session, signon: SignOn, letter: Letter) -> bool:
    """A counted sign-on whose version predates the newest material edit."""
    if signon.status not in COUNTED:
        return False
    version = session.get(LetterVersion, signon.version_id)
    return version is not None and version.number < latest_material_number(session, letter)


def confirm_signon(
    session: Session,
    signon: SignOn,
    letter: Letter,
    *,
    version_id: int | None = None,
    now: datetime | None = None,
    similar: int | None,
    expires_at: datetime | None = None,
    by_link: bool = False,
) -> SignOn:
    """Confirm a pending sign-on, or re-confirm one on the version now shown.

    The version is updated when the signer was shown a newer text than the one
    recorded (a re-confirmation after a material edit). ``similar`` is what
    ``dedup.earlier_similar`` answered for a pending sign-on: the caller asks it before
    taking SQLite's write lock, so that names are not compared while holding it.
    ``expires_at`` is the expiry of the link followed (default: the first link's);
    ``by_link``: the signer confirmed from their email (not a coordinator's API call).
    """
    now = now or utcnow()
    if not letter.takes_confirmations:
        raise DomainError(_("This letter can no longer be confirmed."))
    reconfirm = needs_reconfirm(session, signon, letter)
    if signon.status != SignOnStatus.PENDING and not reconfirm:
        raise DomainError(_("This sign-on cannot be confirmed."))
    if token_expired(expires_at or signon.token_expires_at, now):
        raise DomainError(_("This link has expired."))
    shown = shown_version(session, letter, version_id)
    recorded = session.get(LetterVersion, signon.version_id)
    if recorded is None or shown.number > recorded.number:
        signon.version_id = shown.id
    first = signon.status == SignOnStatus.PENDING
    if first:
        # the organization signed now; a later re-confirmation does not move the day
        signon.signed_at = signon.signed_at or now
        _on_first_confirmation(session, signon, similar)
        signon_verifying.send(session, signon=signon)
        signon.status = (
            SignOnStatus.APPROVED if approves_at_once(letter, signon) else (SignOnStatus.CONFIRMED)
        )
    signon.confirmed_at = now
    signon.updated_at = now
    session.flush()
    record(
        session,
        None,
        "signon.reconfirm" if reconfirm else "signon.confirm",
        "sign_on",
        signon.id,
        letter_id=letter.id,
        version_id=signon.version_id,
    )
    if first:
        signon_confirmed.send(session, signon=signon, letter=letter, by_link=by_link)
    return signon


def approves_at_once(letter: Letter, signon: SignOn) -> bool:
    """A confirmed sign-on is approved at once when the letter says so, unless the letter
    requires verification and the sign-on is not verified (it waits for a coordinator)."""
    return letter.auto_approve and not (
        letter.requires_verification and signon.verification is None
    )


def _on_first_confirmation(session: Session, signon: SignOn, similar: int | None) -> None:
    """What a confirmed address earns: a place in the directory (organization, contact,
    invitation marked signed) and the flag pointing at an earlier similar sign-on.

    Done here rather than when the form is posted: an address nobody confirms (a typo,
    a prank, a bot past the honeypot) leaves the directory and the review flags alone.
    """
    if signon.organization_id is None:  # (rows signed before this rule are linked)
        signons_counted.send(session, signons=[signon])
    if signon.probable_duplicate_of_id is None:
        signon.probable_duplicate_of_id = similar


def resend_link(
    session: Session, signon: SignOn, letter: Letter, *, link_for: LinkFor, now=None
) -> None:
    """Send one more link (7 days) to the address that signed; earlier ones still work."""
    now = now or utcnow()
    if not letter.takes_confirmations:
        raise DomainError(_("This letter can no longer be confirmed."))
    reconfirm = needs_reconfirm(session, signon, letter)
    if signon.status != SignOnStatus.PENDING and not reconfirm:
        raise DomainError(_("This sign-on needs no confirmation."))
    token = notify.issue_link(session, signon, now)
    template = "signon_reconfirm" if reconfirm else "signon_pending_again"
    notify.mail(session, signon, letter, template, "confirm", link_for(signon, token))
    session.flush()


def signed_count(session: Session, letter: Letter) -> int:
    """Signed and confirmed sign-ons: on the letter or awaiting review (unconfirmed ones
    do not count)."""
    return int(
        session.scalar(
            sa.select(sa.func.count(SignOn.id)).where(
                SignOn.letter_id == letter.id, SignOn.status.in_(COUNTED)
            )
        )
        or 0
    )


def on_letter_counts(session: Session, letter_ids: list[int]) -> dict[int, int]:
    """ "Organizations on the letter" per letter, in one query: the sign-ons the letter
    prints (``consent.printed``: approved, listed or count-only, and agreed to the current
    text), the N of the PDF's "Signed by N organizations" and of the public page."""
    if not letter_ids:
        return {}
    # one branch per letter, so that each letter's rule is worked out once, not per row
    branches = [
        sa.select(sa.literal(letter_id).label("letter_id"), sa.func.count(SignOn.id)).where(
            consent.printed(letter_id)
        )
        for letter_id in dict.fromkeys(letter_ids)
    ]
    rows = session.execute(sa.union_all(*branches) if len(branches) > 1 else branches[0])
    return {letter_id: n for letter_id, n in rows}


def on_letter_count(session: Session, letter: Letter) -> int:
    """ "Organizations on the letter": the public count (see :func:`on_letter_counts`)."""
    return on_letter_counts(session, [letter.id]).get(letter.id, 0)


def version_counts(session: Session, letter: Letter) -> dict[int, int]:
    """Counted sign-ons per version id."""
    rows = session.execute(
        sa.select(SignOn.version_id, sa.func.count(SignOn.id))
        .where(SignOn.letter_id == letter.id, SignOn.status.in_(COUNTED))
        .group_by(SignOn.version_id)
    )
    return {version_id: n for version_id, n in rows}


def needing_reconfirm(session: Session, letter: Letter) -> list[SignOn]:
    """Counted sign-ons made on a version older than the newest material edit, that no
    coordinator included anyway (``consent.awaiting_reconsent``)."""
    return list(
        session.scalars(
            sa.select(SignOn)
            .where(consent.awaiting_reconsent(letter.id))
            .options(joinedload(SignOn.version))
            # A–Z ignoring case, accents and a leading "The" (the de-duplication key)
            .order_by(SignOn.org_key, SignOn.id)
        ).unique()
    )


@dataclass(frozen=True)
class ReconfirmRequest:
    """What "Email re-confirm links" did: how many links went out, and the sign-ons that
    have no address to send one to (paper or phone sign-ons), for the coordinator to ask
    in person."""

    emailed: int
    without_address: list[str]


def request_reconfirm(
    session: Session, letter: Letter, *, link_for: LinkFor, actor: User, now=None
) -> ReconfirmRequest:
    """Email a re-confirm link to every signer who needs one and has an address."""
    now = now or utcnow()
    if not letter.takes_confirmations:
        raise DomainError(
            "Re-confirmation is possible only while the letter is open or closed, or sent and "
            "still collecting sign-ons."
        )
    rows = needing_reconfirm(session, letter)
    # A sign-on added by hand may have no address: an empty one would sit in the outbox
    # failing for ever, and the coordinator would believe the signer was asked.
    emailed = [signon for signon in rows if signon.signer_email.strip()]
    for signon in emailed:
        token = notify.issue_link(session, signon, now)
        notify.mail(session, signon, letter, "signon_reconfirm", "confirm", link_for(signon, token))
    session.flush()
    without = [signon.org_name for signon in rows if not signon.signer_email.strip()]
    record(session, actor, "letter.reconfirm_request", "letter", letter.id,
           count=len(emailed), without_address=len(without))  # fmt: skip
    return ReconfirmRequest(emailed=len(emailed), without_address=without)


def status_counts(session: Session, letter: Letter) -> dict[SignOnStatus, int]:
    """Every sign-on of the letter by status (all statuses present, zero or not), one query."""
    out = {status: 0 for status in SignOnStatus}
    for status, n in session.execute(
        sa.select(SignOn.status, sa.func.count())
        .where(SignOn.letter_id == letter.id)
        .group_by(SignOn.status)
    ):
        out[SignOnStatus(status)] = n
    return out
