"""Recording a sign-on posted to the API: the public page's own signing (``signons.signing``:
checks, de-duplication, the pending row, the confirmation email), and for a coordinator's
token that says ``"confirmed": true``, its confirmation at once (audited)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.api.intake import Intake
from campaign.audit.services import record
from campaign.auth.models import Role, User
from campaign.core.errors import DomainError
from campaign.letters.models import Letter, LetterVersion
from campaign.signons import dedup, services, signing
from campaign.signons.models import SignOn
from campaign.uploads.store import UploadStore


def version_id_for(session: Session, letter: Letter, number: int | None) -> int | None:
    """The id of the letter's version ``number`` (None: the current one)."""
    if number is None:
        return None
    found = session.scalar(
        sa.select(LetterVersion.id).where(
            LetterVersion.letter_id == letter.id, LetterVersion.number == number
        )
    )
    if found is None:
        raise DomainError(f"The letter has no version {number}.", field="coalition:letter_version")
    return found


def prepare(
    session: Session,
    letter: Letter,
    intake: Intake,
    *,
    user: User,
    link_for: signing.LinkFor,
) -> signing.Prepared:
    """Check the sign-on against the letter (no writes), as the public page does."""
    if intake.confirmed and not user.has_role(Role.COORDINATOR):
        raise DomainError(
            "Only a coordinator's token may record a sign-on as confirmed.", field="confirmed"
        )
    version_id = version_id_for(session, letter, intake.version_number)
    return signing.prepare(session, letter, intake.data, version_id=version_id, link_for=link_for)


def record_signature(
    session: Session,
    letter: Letter,
    prepared: signing.Prepared,
    intake: Intake,
    *,
    user: User,
    token_id: int,
    store: UploadStore,
    link_for: signing.LinkFor,
) -> tuple[signing.SignResult, SignOn]:
    """Write the sign-on (pending, its signer emailed), or find the organization's; with
    ``confirmed`` a new one is confirmed at once and nobody is emailed a link."""
    confirm_now = intake.confirmed
    result = signing.record(
        session, prepared, store=store, link_for=link_for, email=not confirm_now
    )
    signon = session.get(SignOn, result.signon_id)
    record(
        session, user, "api.signon.record", "sign_on", signon.id,
        letter_id=letter.id, token_id=token_id, outcome=result.outcome, confirmed=confirm_now,
    )  # fmt: skip
    if confirm_now and result.outcome == "new":
        services.confirm_signon(
            session, signon, letter, similar=dedup.earlier_similar(session, signon)
        )
        record(
            session, user, "api.signon.confirmed", "sign_on", signon.id,
            letter_id=letter.id, token_id=token_id,
        )  # fmt: skip
    return result, signon
