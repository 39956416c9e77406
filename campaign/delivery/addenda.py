"""After delivery: the addenda of later signatories (and withdrawals), stopping collection.

A sent letter that keeps collecting takes sign-ons as before; each addendum lists
exactly the approved organizations that no earlier delivery held and, in a section of
its own, those delivered earlier that withdrew since. Every delivery is frozen the same
way as the letter itself (``services.freeze``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.delivery.models import DeliveryKind, LetterDelivery, LetterDeliverySignOn
from campaign.delivery.services import DeliveryDetails, check_details, freeze
from campaign.delivery.snapshot import late_signons, prepare_snapshot, withdrawn_since
from campaign.letters.models import Letter, LetterStatus
from campaign.printing.pdf import long_date
from campaign.signons.models import SignOnStatus
from campaign.signons.services import status_counts
from campaign.uploads.store import UploadStore


def _count(session: Session, ids: sa.Select) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0)


def late_count(session: Session, letter: Letter) -> int:
    """Approved sign-ons that no delivery of the letter held yet."""
    return _count(session, late_signons(letter.id))


def withdrawal_count(session: Session, letter: Letter) -> int:
    """Delivered sign-ons that withdrew since and that no addendum reported yet."""
    return _count(session, withdrawn_since(letter.id))


def last_delivery(session: Session, letter: Letter) -> LetterDelivery | None:
    """The letter's latest delivery (the letter itself or its latest addendum)."""
    return session.scalars(
        sa.select(LetterDelivery)
        .where(LetterDelivery.letter_id == letter.id)
        .order_by(LetterDelivery.sequence.desc())
        .limit(1)
    ).first()


def first_delivery(session: Session, letter: Letter) -> LetterDelivery | None:
    """The delivery of the letter itself (sequence 0), if it was sent."""
    return session.scalar(
        sa.select(LetterDelivery).where(
            LetterDelivery.letter_id == letter.id, LetterDelivery.sequence == 0
        )
    )


def delivered_on(session: Session, signon_id: int) -> date | None:
    """The date the sign-on was first delivered as a signatory (None if never)."""
    return session.scalar(
        sa.select(sa.func.min(LetterDelivery.sent_on))
        .join(LetterDeliverySignOn, LetterDeliverySignOn.delivery_id == LetterDelivery.id)
        .where(
            LetterDeliverySignOn.sign_on_id == signon_id,
            LetterDeliverySignOn.withdrawn.is_(False),
        )
    )


def send_addendum(
    session: Session,
    letter: Letter,
    details: DeliveryDetails,
    *,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
) -> LetterDelivery:
    """Freeze an addendum of the approved sign-ons no earlier delivery held and of the
    delivered ones that withdrew since (also after collecting stopped: what was gathered
    until then is still delivered)."""
    if letter.status != LetterStatus.SENT:
        raise DomainError("An addendum follows a sent letter: mark the letter as sent first.")
    last = last_delivery(session, letter)
    if last is None:
        raise DomainError("This letter has no recorded delivery to add to.")
    check_details(details, not_before=last.sent_on)
    since = long_date(last.sent_on)
    prepared = prepare_snapshot(
        session,
        letter,
        on=details.sent_on,
        late_only=True,
        list_heading=f"Additional signatories since {since}",
        withdrawals_heading=f"Withdrawn since {since}",
    )
    if not prepared.sign_on_ids and not prepared.withdrawn_ids:
        raise DomainError(
            "No sign-on was approved and no delivered organization withdrew since the last "
            "delivery: there is nothing to add."
        )
    delivery = freeze(
        session,
        letter,
        prepared,
        kind=DeliveryKind.ADDENDUM,
        sequence=last.sequence + 1,
        details=details,
        static_dir=static_dir,
        store=store,
        actor=actor,
    )
    record(
        session,
        actor,
        "letter.addendum",
        "letter",
        letter.id,
        delivery=delivery.id,
        sent_on=details.sent_on.isoformat(),
        method=delivery.method.value,
        signatories=delivery.signatory_count,
        withdrawn=len(prepared.withdrawn_ids),
        pdf_sha256=delivery.pdf_sha256,
    )
    return delivery


@dataclass(frozen=True)
class StopSummary:
    """What "Stop collecting" leaves behind, shown before the coordinator confirms."""

    pending: int  # awaiting their signer's confirmation: never will be now
    awaiting_review: int  # confirmed, not yet approved: never will be now
    undelivered: int  # approved, not in a delivery yet: an addendum may still carry them
    withdrawals: int  # delivered, withdrawn since, not yet reported in an addendum

    @property
    def left_out(self) -> int:
        """Sign-ons that stopping leaves out for good."""
        return self.pending + self.awaiting_review


def stop_summary(session: Session, letter: Letter) -> StopSummary:
    """The counts behind "Stop collecting" (three queries)."""
    by_status = status_counts(session, letter)
    return StopSummary(
        pending=by_status.get(SignOnStatus.PENDING, 0),
        awaiting_review=by_status.get(SignOnStatus.CONFIRMED, 0),
        undelivered=late_count(session, letter),
        withdrawals=withdrawal_count(session, letter),
    )


def stop_collecting(session: Session, letter: Letter, *, actor: User) -> StopSummary:
    """Close a sent letter for good: no more sign-ons, confirmations or reviews. An
    addendum may still deliver what was approved (or withdrawn) before."""
    if not letter.collecting_after_delivery:
        raise DomainError("This letter is not collecting sign-ons.")
    summary = stop_summary(session, letter)
    letter.keeps_collecting = False
    session.flush()
    record(
        session,
        actor,
        "letter.stop_collecting",
        "letter",
        letter.id,
        pending=summary.pending,
        awaiting_review=summary.awaiting_review,
        undelivered=summary.undelivered,
    )
    return summary
