"""The signatory list of a letter's public page (``signons.views``), made the way the
letter prints: the same sign-ons, groups, order and count as the PDF."""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.delivery.snapshot import prepare_snapshot
from campaign.letters.models import Letter
from campaign.printing.grouping import SignatoryList, printed_list


def public_list(session: Session, letter: Letter) -> SignatoryList:
    """The organizations on the letter, grouped, ordered and counted exactly as the PDF
    made now would print them (the letter's print options), in three queries."""
    return printed_list(prepare_snapshot(session, letter).snapshot)
