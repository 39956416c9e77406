"""Which sign-ons are the same organization: exact keys, fuzzy candidates, unique inserts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.errors import DomainError
from campaign.core.names import org_key
from campaign.core.states import STATES
from campaign.i18n import gettext as _
from campaign.signons.fuzzy import probable_duplicate
from campaign.signons.models import Level, SignOn
from campaign.signons.signals import signons_counted


@dataclass(frozen=True)
class Identity:
    """What makes two sign-ons of a letter the same organization: level, state, name key."""

    level: Level
    state: str
    key: str


def normalise_identity(org_name: str, level: str, state: str) -> Identity:
    """Check and normalise level, state and name the way every way of signing on does.

    The public page, a coordinator's form and a CSV import all go through here, so
    that they agree on which organization is which.
    """
    try:
        level_ = Level(level)
    except ValueError:
        raise DomainError(_("Choose national, state or local."), field="level")
    state = (state or "").strip().upper()
    if level_ == Level.NATIONAL:
        state = ""
    elif state not in STATES:
        raise DomainError(_("Choose the state for a state or local organization."), field="state")
    key = org_key(org_name)
    if not key:
        raise DomainError(_("Enter the organization's name."), field="org_name")
    return Identity(level_, state, key)


_SIGN_ONS = SignOn.__table__
_CANDIDATES = sa.select(_SIGN_ONS.c.id, _SIGN_ONS.c.org_key).where(
    _SIGN_ONS.c.letter_id == sa.bindparam("letter_id"), _SIGN_ONS.c.state == sa.bindparam("state")
)


_EARLIER = _CANDIDATES.where(_SIGN_ONS.c.id < sa.bindparam("before"))


def candidates(session: Session, letter_id: int, state: str) -> list[tuple[int, str]]:
    """(id, org key) of every sign-on of the letter in one state."""
    params = {"letter_id": letter_id, "state": state}
    return [tuple(row) for row in session.connection().execute(_CANDIDATES, params).all()]


def earlier_similar(session: Session, signon: SignOn) -> int | None:
    """The id of an earlier sign-on of the letter, in the same state, whose name is
    similar to this one's (for a coordinator to look at; nothing is merged). Reads only."""
    params = {"letter_id": signon.letter_id, "state": signon.state, "before": signon.id}
    rows = session.connection().execute(_EARLIER, params).all()
    return probable_duplicate(signon.org_key, rows)


def find(session: Session, letter_id: int, state: str, key: str) -> SignOn | None:
    """The letter's sign-on for this organization, if any."""
    return session.scalar(
        sa.select(SignOn).where(
            SignOn.letter_id == letter_id, SignOn.state == state, SignOn.org_key == key
        )
    )


class DedupIndex:
    """The (id, org key) of a letter's sign-ons, per state: exact and fuzzy de-duplication.

    Loaded in one query (for one state on the public page, for every state in an
    import) and kept up to date as rows are added, so that a file naming the same
    organization twice is caught too.
    """

    def __init__(self, rows: Iterable[tuple[int, str, str]] = ()) -> None:
        self._by_state: dict[str, list[tuple[int, str]]] = {}
        self._exact: dict[tuple[str, str], int] = {}
        for row_id, state, key in rows:
            self.add(row_id, state, key)

    @classmethod
    def for_letter(cls, session: Session, letter_id: int) -> DedupIndex:
        """Every sign-on of the letter, whatever its status (merged and withdrawn included)."""
        rows = session.execute(
            sa.select(SignOn.id, SignOn.state, SignOn.org_key).where(SignOn.letter_id == letter_id)
        )
        return cls(rows)

    @classmethod
    def for_state(cls, session: Session, letter_id: int, state: str) -> DedupIndex:
        """The letter's sign-ons in one state (the public page needs no more)."""
        return cls((row_id, state, key) for row_id, key in candidates(session, letter_id, state))

    def add(self, signon_id: int, state: str, key: str) -> None:
        """Remember a row (e.g. one just added)."""
        self._by_state.setdefault(state, []).append((signon_id, key))
        self._exact.setdefault((state, key), signon_id)

    def existing(self, ident: Identity) -> int | None:
        """The id of the sign-on of the same organization, if any."""
        return self._exact.get((ident.state, ident.key))

    def probable(self, ident: Identity) -> int | None:
        """The id of a sign-on with a similar name in the same state (to flag, never merge)."""
        return probable_duplicate(ident.key, self._by_state.get(ident.state, ()))


def insert_unique(session: Session, signon: SignOn) -> bool:
    """Add ``signon`` inside a SAVEPOINT; False when the unique constraint finds the
    organization already on the letter (a concurrent request committed it first).

    A coordinator's one-at-a-time insert: it counts at once, so the features listening
    (the directory links its organization and contact) hear of it inside the SAVEPOINT.
    """
    try:
        with session.begin_nested():
            signons_counted.send(session, signons=[signon])
            session.add(signon)
            session.flush()
    except sa.exc.IntegrityError:
        return False
    return True
