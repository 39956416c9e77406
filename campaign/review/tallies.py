"""The review list's tallies and chart, kept per letter until its sign-ons change.

At 100,000 sign-ons the two GROUP BYs behind them (``queries.counts`` and
``queries.per_day``) cost more than the rest of the page together, and a coordinator
searching the list asks for the same figures again on every keystroke. They are kept in
memory, per process, under the letter's fingerprint: its newest ``updated_at`` and that
row's id, one step down ``ix_sign_ons_letter_updated`` (every write of a sign-on sets
``updated_at``: an insert, an ORM change or a bulk UPDATE; sign-ons are never deleted but
with their letter).

A fingerprint is only trusted once it has settled: a transaction flushed before another
one but committed after it can add rows whose ``updated_at`` is older than the newest
one already seen, which no fingerprint would notice. Figures are kept only when the
newest change is ``SETTLE`` old — longer than any request's transaction lives — so a
letter being signed right now is counted afresh on each view, as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.clock import coalition_zone
from campaign.db import utcnow
from campaign.letters.models import Letter
from campaign.review.queries import Counts, counts, per_day, verified_count
from campaign.signons.models import SignOn

SETTLE = timedelta(seconds=30)
MAX_LETTERS = 64


@dataclass(frozen=True)
class Figures:
    """A letter's tallies and its counted sign-ons per day."""

    counts: Counts
    per_day: dict[date, int]
    verified: int = 0  # counted sign-ons that are verified (issue 20.1)


_kept: OrderedDict[tuple, Figures] = OrderedDict()
_lock = threading.Lock()


def _fingerprint(session: Session, letter: Letter) -> tuple[datetime | None, int | None]:
    # the newest change and its row, one step down the index whatever the letter's size
    row = session.execute(
        sa.select(SignOn.updated_at, SignOn.id)
        .where(SignOn.letter_id == letter.id)
        .order_by(SignOn.updated_at.desc(), SignOn.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def figures(session: Session, letter: Letter) -> Figures:
    """The letter's tallies and chart figures: kept ones when its sign-ons have not
    changed since, else counted (one query more than counting, two fewer than keeping)."""
    newest, newest_id = _fingerprint(session, letter)
    # the letter's own creation time too: a test database rolled back reuses its ids
    key = (str(session.get_bind().engine.url), letter.id, letter.created_at, newest, newest_id,
           str(coalition_zone()))  # fmt: skip
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept
    fresh = Figures(
        counts(session, letter), per_day(session, letter), verified_count(session, letter)
    )
    if newest is None or newest <= utcnow() - SETTLE:
        with _lock:
            _kept[key] = fresh
            while len(_kept) > MAX_LETTERS:
                _kept.popitem(last=False)
    return fresh


def forget() -> None:
    """Drop every kept figure (tests)."""
    with _lock:
        _kept.clear()
