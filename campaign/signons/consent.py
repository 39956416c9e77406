"""Re-consent: who agreed to the text that will be printed.

After a material edit, a sign-on made on an earlier version has not agreed to the
text that will be printed until its signer re-confirms (``services.confirm_signon``
moves it to the version shown) or a coordinator includes it anyway with a recorded
reason (``ConsentOverride``). Until then it cannot be approved and is never printed:
not in the PDF, the addenda, the public list, nor "what will be printed".

Each rule here is an SQL expression, so every page and export asks the same question
inside its own query.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.errors import DomainError
from campaign.letters.models import Letter, LetterVersion
from campaign.letters.services import latest_material_number
from campaign.signons.models import COUNTED, ConsentOverride, SignOn, SignOnStatus

# Printed by name when listed, counted in "Signed by N" either way.
PRINTED = SignOnStatus.APPROVED


def latest_material(letter_id: int) -> sa.ScalarSelect:
    """The number of the letter's newest material version, 0 when no edit was material."""
    return (
        sa.select(sa.func.coalesce(sa.func.max(LetterVersion.number), 0))
        .where(LetterVersion.letter_id == letter_id, LetterVersion.material.is_(True))
        .scalar_subquery()
    )


def agreed_to_current_text(letter_id: int) -> sa.ColumnElement[bool]:
    """The sign-on signed (or re-confirmed) the text as of the newest material edit, or a
    coordinator included it for that edit with a reason."""
    latest = latest_material(letter_id)
    current_versions = sa.select(LetterVersion.id).where(
        LetterVersion.letter_id == letter_id, LetterVersion.number >= latest
    )
    overridden = sa.exists().where(
        ConsentOverride.sign_on_id == SignOn.id, ConsentOverride.material_number >= latest
    )
    return sa.or_(SignOn.version_id.in_(current_versions), overridden)


def printed(letter_id: int) -> sa.ColumnElement[bool]:
    """The sign-on of this letter is printed (by name when listed): approved, and agreed
    to the current text."""
    return sa.and_(
        SignOn.letter_id == letter_id,
        SignOn.status == PRINTED,
        agreed_to_current_text(letter_id),
    )


def awaiting_reconsent(letter_id: int) -> sa.ColumnElement[bool]:
    """A counted sign-on of this letter left out until it re-confirms: it signed an
    earlier text than the newest material edit, and no coordinator included it."""
    return sa.and_(
        SignOn.letter_id == letter_id,
        SignOn.status.in_(COUNTED),
        ~agreed_to_current_text(letter_id),
    )


def has_agreed(session: Session, signon: SignOn) -> bool:
    """Whether this sign-on agreed to the current text (one query)."""
    return bool(
        session.scalar(
            sa.select(sa.literal(True)).where(
                SignOn.id == signon.id, agreed_to_current_text(signon.letter_id)
            )
        )
    )


def awaiting_reconsent_names(session: Session, letter_id: int, limit: int = 20) -> list[str]:
    """The names of those left out, A–Z, at most ``limit`` (for a page to name them)."""
    return list(
        session.scalars(
            sa.select(SignOn.org_name)
            .where(awaiting_reconsent(letter_id))
            .order_by(SignOn.org_key)
            .limit(limit)
        )
    )


def awaiting_reconsent_count(session: Session, letter_id: int) -> int:
    """How many counted sign-ons are left out until they re-confirm."""
    return int(
        session.scalar(sa.select(sa.func.count(SignOn.id)).where(awaiting_reconsent(letter_id)))
        or 0
    )


def reconsent_needed(session: Session, signon: SignOn, letter: Letter) -> DomainError:
    """The refusal for approving a sign-on made on a text older than the newest material
    edit (it names both versions and the way out)."""
    signed = session.get(LetterVersion, signon.version_id)
    return DomainError(
        f"“{signon.org_name}” signed version {signed.number if signed else '?'}, before the "
        f"material change in version {latest_material_number(session, letter)}, and has not "
        "re-confirmed: it cannot be approved or printed until it does. Include it anyway "
        "only with a reason (e.g. “agreed by phone”)."
    )
