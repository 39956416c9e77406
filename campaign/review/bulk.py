"""Approving sign-ons in bulk: what a choice holds (shown before it is confirmed), then
one UPDATE.

A bulk approval approves confirmed sign-ons only, and leaves out two kinds a coordinator
must look at one by one: those that signed an earlier text and have not re-confirmed
(``signons.consent``), and those flagged as probable duplicates, unless ticked. On a
letter that requires verification it skips, and counts, the unverified ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from campaign.audit.models import AuditEvent
from campaign.auth.models import User
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.review.queries import SignOnFilters, filtered_ids
from campaign.review.services import check_collecting
from campaign.signons.consent import agreed_to_current_text
from campaign.signons.models import SignOn, SignOnStatus
from campaign.signons.signals import signons_approved

S = SignOnStatus
MAX_IDS = 10_000


@dataclass(frozen=True)
class Flagged:
    """A confirmed sign-on flagged as a probable duplicate of another."""

    id: int
    org_name: str
    duplicate_of_id: int
    duplicate_of_name: str


@dataclass(frozen=True)
class BulkChoice:
    """What approving a scope would do: the sign-ons it approves and those it leaves out."""

    approvable: tuple[int, ...]  # confirmed, agreed to the current text, not flagged
    flagged: tuple[Flagged, ...]  # confirmed, agreed, flagged: only when ticked
    reconsent: int  # confirmed, signed an earlier text, not re-confirmed: never
    # confirmed, agreed, not verified, on a letter that requires verification: never
    unverified: int = 0

    def chosen(self, ticked: Iterable[int]) -> list[int]:
        """The ids to approve: every approvable one and the flagged ones ticked."""
        ticked = set(ticked)
        return [*self.approvable, *(f.id for f in self.flagged if f.id in ticked)]


def choose(
    session: Session,
    letter: Letter,
    *,
    filters: SignOnFilters | None = None,
    ids: list[int] | None = None,
) -> BulkChoice:
    """The confirmed sign-ons of the letter (or those matching ``filters``, or those in
    ``ids``), sorted into what a bulk approval does with them (two queries)."""
    query = filtered_ids(letter, filters or SignOnFilters()).where(
        SignOn.status == S.CONFIRMED, SignOn.confirmed_at.is_not(None)
    )
    if ids is not None:
        query = query.where(SignOn.id.in_(ids[:MAX_IDS]))
    agreed = agreed_to_current_text(letter.id).label("agreed")
    rows = session.execute(
        query.add_columns(agreed, SignOn.probable_duplicate_of_id, SignOn.verification).order_by(
            SignOn.id
        )
    ).all()
    agreeing = [row for row in rows if row.agreed]
    unverified = 0
    if letter.requires_verification:
        verified = [row for row in agreeing if row.verification is not None]
        unverified, agreeing = len(agreeing) - len(verified), verified
    approvable = tuple(row.id for row in agreeing if row.probable_duplicate_of_id is None)
    flagged_ids = [row.id for row in agreeing if row.probable_duplicate_of_id is not None]
    flagged: tuple[Flagged, ...] = ()
    if flagged_ids:
        original = aliased(SignOn)
        flagged = tuple(
            Flagged(*row)
            for row in session.execute(
                sa.select(SignOn.id, SignOn.org_name, original.id, original.org_name)
                .join(original, original.id == SignOn.probable_duplicate_of_id)
                .where(SignOn.id.in_(flagged_ids))
                .order_by(SignOn.org_key, SignOn.id)
            )
        )
    reconsent = len(rows) - len(agreeing) - unverified
    return BulkChoice(approvable, flagged, reconsent, unverified)


def bulk_approve(
    session: Session,
    letter: Letter,
    *,
    actor: User,
    filters: SignOnFilters | None = None,
    ids: list[int] | None = None,
    flagged: Iterable[int] = (),
    now=None,
) -> tuple[int, BulkChoice]:
    """Approve what ``choose`` finds approvable, and the probable duplicates whose ids are
    in ``flagged``, in one UPDATE; one audit event each. Returns how many, and the choice
    (what was left out and why)."""
    check_collecting(letter)
    now = now or utcnow()
    choice = choose(session, letter, filters=filters, ids=ids)
    chosen = choice.chosen(flagged)
    if not chosen:
        return 0, choice
    for start in range(0, len(chosen), 500):
        batch = chosen[start : start + 500]
        session.execute(
            sa.update(SignOn)
            .where(SignOn.id.in_(batch), SignOn.status == S.CONFIRMED)
            .values(status=S.APPROVED, reviewed_at=now, updated_at=now, rejection_reason="")
            .execution_options(synchronize_session=False)
        )
    # The same events record() writes, in one multi-row INSERT rather than one per row.
    at = utcnow()
    session.execute(
        sa.insert(AuditEvent),
        [
            {
                "user_id": actor.id,
                "action": "signon.approve",
                "entity": "sign_on",
                "entity_id": signon_id,
                "at": at,
                "details": {"old": "confirmed", "bulk": True},
            }
            for signon_id in chosen
        ],
    )
    session.flush()
    session.expire_all()
    signons_approved.send(session, letter=letter, ids=list(chosen))
    return len(chosen), choice
