"""What "Mark as sent" will do, told before the coordinator confirms it: how many
organizations the delivery holds, who is left out and why, and whether it is early."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.delivery.snapshot import prepare_snapshot
from campaign.letters.models import Letter
from campaign.signons.consent import awaiting_reconsent_count
from campaign.signons.models import SignOnStatus
from campaign.signons.services import status_counts


@dataclass(frozen=True)
class SendSummary:
    """The counts behind the confirmation of "Mark as sent"."""

    listed: int  # printed by name
    count_only: int  # counted in "Signed by N", not named
    left_out: int  # signed an earlier text and not re-confirmed
    pending: int  # awaiting their signer's confirmation
    awaiting_review: int  # confirmed, not yet approved
    version_number: int
    deadline_ahead: bool

    @property
    def signatories(self) -> int:
        """Organizations the delivery holds."""
        return self.listed + self.count_only

    @property
    def fingerprint(self) -> str:
        """The numbers shown, so that a confirmation made on other numbers is asked again."""
        return "-".join(
            str(n)
            for n in (
                self.listed,
                self.count_only,
                self.left_out,
                self.pending,
                self.awaiting_review,
                self.version_number,
            )
        )


def send_summary(session: Session, letter: Letter, now: datetime | None = None) -> SendSummary:
    """What marking ``letter`` as sent now would deliver and leave out (five queries)."""
    prepared = prepare_snapshot(session, letter)
    listed = sum(1 for s in prepared.snapshot.signatories if s.listed)
    waiting = status_counts(session, letter)
    return SendSummary(
        listed=listed,
        count_only=len(prepared.snapshot.signatories) - listed,
        left_out=awaiting_reconsent_count(session, letter.id),
        pending=waiting.get(SignOnStatus.PENDING, 0),
        awaiting_review=waiting.get(SignOnStatus.CONFIRMED, 0),
        version_number=prepared.version.number,
        deadline_ahead=(now or utcnow()) < letter.deadline_at,
    )
