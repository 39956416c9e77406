"""Including a sign-on that has not re-confirmed since a material edit: a coordinator's
decision, with a recorded reason (``signons.consent`` holds the rule itself)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.letters.models import Letter, LetterVersion
from campaign.letters.services import latest_material_number
from campaign.review.services import check_collecting
from campaign.signons import consent
from campaign.signons.models import ConsentOverride, SignOn, SignOnStatus

S = SignOnStatus
INCLUDABLE = (S.CONFIRMED, S.APPROVED, S.REJECTED)


def include_without_reconsent(
    session: Session, signon: SignOn, letter: Letter, *, reason: str, actor: User, now=None
) -> SignOn:
    """Print a sign-on that has not re-confirmed since the newest material edit, on a
    coordinator's recorded reason (audited); a confirmed or rejected one is approved too.

    The reason covers this material edit only: a later one needs re-confirming again.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            "Say why it may be printed without re-confirming (e.g. “agreed by phone”).",
            field="reason",
        )
    check_collecting(letter)
    if signon.letter_id != letter.id:
        raise DomainError("This sign-on belongs to another letter.")
    if consent.has_agreed(session, signon):
        raise DomainError("This sign-on agreed to the current text: nothing to include.")
    if signon.status not in INCLUDABLE or signon.confirmed_at is None:
        raise DomainError(f"A {signon.status.value} sign-on cannot be included.")
    now = now or utcnow()
    latest = latest_material_number(session, letter)
    session.add(
        ConsentOverride(
            sign_on_id=signon.id,
            material_number=latest,
            reason=reason,
            created_by_id=actor.id,
            created_at=now,
        )
    )
    old = signon.status
    signon.status = S.APPROVED
    signon.rejection_reason = ""
    signon.reviewed_at = signon.updated_at = now
    session.flush()
    signed = session.get(LetterVersion, signon.version_id)
    record(
        session,
        actor,
        "signon.include_without_reconsent",
        "sign_on",
        signon.id,
        old=old.value,
        signed_version=signed.number if signed else None,
        material_version=latest,
        reason=reason,
    )
    return signon
