"""The signatory list of a letter's public page, made the way the letter prints.

``signons`` shows it without knowing how letters are printed: ``create_app`` hands
:func:`public_list` to ``signons.views.register_public_list``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.delivery.snapshot import prepare_snapshot
from campaign.letters.models import Letter
from campaign.printing.grouping import SignatoryList, printed_list


def public_list(session: Session, letter: Letter) -> SignatoryList:
    """The organizations on the letter, grouped, ordered and counted exactly as the PDF
    made now would print them (the letter's print options), in three queries."""
    return printed_list(prepare_snapshot(session, letter).snapshot)
