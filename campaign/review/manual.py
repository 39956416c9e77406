"""Adding a sign-on by hand: one gathered by phone or on paper, typed by a coordinator.

No email is sent; it is confirmed (or approved) at once and goes through the same
de-duplication as the public page. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.clock import coalition_zone, local_date
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.letters.services import current_version
from campaign.review.services import already_on_letter, check_collecting
from campaign.signons.dedup import DedupIndex, find, insert_unique, normalise_identity
from campaign.signons.models import SignOn, SignOnSource, SignOnStatus


@dataclass
class ManualInput:
    """A sign-on gathered by phone or on paper, as the coordinator typed it."""

    org_name: str
    level: str
    state: str
    signer_name: str
    city: str = ""
    website: str = ""
    signer_title: str = ""
    signer_email: str = ""
    listed: bool = True
    comment: str = ""
    signed_on: date | None = None  # the date on the paper; None: today


def _signed_at(day: date | None, now: datetime) -> datetime:
    """A paper sign-on's date as an instant: now when it is today, else noon that day in
    the coalition's zone (far from midnight, so it stays on its day in every view)."""
    if day is None or day == local_date(now):
        return now
    return datetime.combine(day, time(12), tzinfo=coalition_zone()).astimezone(UTC)


def add_manual(
    session: Session,
    letter: Letter,
    data: ManualInput,
    *,
    approved: bool,
    actor: User,
    now: datetime | None = None,
) -> SignOn:
    """Add a sign-on by hand: no email, confirmed (or approved) at once, same de-duplication."""
    check_collecting(letter)
    now = now or utcnow()
    ident = normalise_identity(data.org_name, data.level, data.state)
    index = DedupIndex.for_state(session, letter.id, ident.state)
    existing_id = index.existing(ident)
    if existing_id is not None:
        raise already_on_letter(session.get(SignOn, existing_id))
    signon = SignOn(
        letter_id=letter.id,
        version_id=current_version(session, letter).id,
        org_name=" ".join(data.org_name.split()),
        org_key=ident.key,
        probable_duplicate_of_id=index.probable(ident),
        level=ident.level,
        state=ident.state,
        city=data.city.strip(),
        website=data.website.strip(),
        signer_name=data.signer_name.strip(),
        signer_title=data.signer_title.strip(),
        signer_email=data.signer_email.strip(),
        authorized=True,
        listed=data.listed,
        comment=data.comment.strip(),
        source=SignOnSource.MANUAL,
        status=SignOnStatus.APPROVED if approved else SignOnStatus.CONFIRMED,
        confirmed_at=now,
        reviewed_at=now if approved else None,
        signed_at=_signed_at(data.signed_on, now),
        created_at=now,
    )
    if not insert_unique(session, signon):
        # a sign-on for the same organization arrived meanwhile
        raise already_on_letter(find(session, letter.id, ident.state, ident.key))
    record(
        session,
        actor,
        "signon.add",
        "sign_on",
        signon.id,
        source="manual",
        status=signon.status.value,
        letter_id=letter.id,
    )
    return signon
