"""The order of ICE's lists, and each agreement's state replayed from what every list said.

Lists may arrive in any order (an archive found later, a release imported late). The
state of an agreement is defined as if every list had been imported oldest first:

- a participating list that names it makes it participating; one that does not, while
  it was participating, makes it no longer listed;
- a pending list that names it makes it pending, unless it is already participating (a
  pending list never demotes); one that does not, while it was pending, makes it no
  longer listed.

A list newer than every list imported applies these rules directly (the fast path the
benchmark measures); an older one is recorded, then every agreement is replayed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import (
    Agreement,
    AgreementObservation,
    AgreementStatus,
    ImportSnapshot,
    ListType,
)
from campaign.db import utcnow

# On one day, the pending list counts before the participating one (an agreement signed
# that day is participating).
_RANK = {ListType.PENDING: 0, ListType.PARTICIPATING: 1}

SnapshotKey = tuple[date, int, int]


def snapshot_key(as_of: date, list_type: ListType, snapshot_id: int) -> SnapshotKey:
    """The order lists are replayed in: date, pending before participating, then import."""
    return (as_of, _RANK[ListType(list_type)], snapshot_id)


@dataclass
class Timeline:
    """Every snapshot, oldest first."""

    keys: dict[int, SnapshotKey]
    types: dict[int, ListType]

    @classmethod
    def load(cls, session: Session) -> Timeline:
        keys, types = {}, {}
        for sid, as_of, list_type in session.execute(
            sa.select(ImportSnapshot.id, ImportSnapshot.as_of_on, ImportSnapshot.list_type)
        ):
            keys[sid] = snapshot_key(as_of, list_type, sid)
            types[sid] = ListType(list_type)
        return cls(keys, types)

    def ordered(self) -> list[int]:
        """Snapshot ids, oldest first."""
        return sorted(self.keys, key=self.keys.__getitem__)

    def previous(self, snapshot_id: int) -> int | None:
        """The list of the same type just before this one."""
        key, kind = self.keys[snapshot_id], self.types[snapshot_id]
        earlier = [s for s in self.keys if self.types[s] == kind and self.keys[s] < key]
        return max(earlier, key=self.keys.__getitem__) if earlier else None


def replayed_status(
    timeline: list[tuple[int, ListType]], observed: set[int]
) -> AgreementStatus | None:
    """The status the lists give an agreement seen in ``observed`` (see the module doc)."""
    status: AgreementStatus | None = None
    for sid, kind in timeline:
        seen = sid in observed
        if kind == ListType.PARTICIPATING:
            if seen:
                status = AgreementStatus.PARTICIPATING
            elif status == AgreementStatus.PARTICIPATING:
                status = AgreementStatus.NO_LONGER_LISTED
        elif seen:
            if status != AgreementStatus.PARTICIPATING:
                status = AgreementStatus.PENDING
        elif status == AgreementStatus.PENDING:
            status = AgreementStatus.NO_LONGER_LISTED
    return status


@dataclass
class Replayed:
    """What a replay changed."""

    status_changed: list[tuple[Agreement, AgreementStatus]]  # (agreement, old status)
    first_seen_earlier: list[Agreement]


def replay(session: Session, timeline: Timeline) -> Replayed:
    """Set every agreement's status, first/last seen and signed date from its observations."""
    order = timeline.ordered()
    position = {sid: i for i, sid in enumerate(order)}
    sequence = [(sid, timeline.types[sid]) for sid in order]
    observed: dict[int, dict[int, date | None]] = defaultdict(dict)
    for agreement_id, sid, signed_on in session.execute(
        sa.select(
            AgreementObservation.agreement_id,
            AgreementObservation.snapshot_id,
            AgreementObservation.signed_on,
        )
    ):
        observed[agreement_id][sid] = signed_on
    result = Replayed([], [])
    now = utcnow()
    for agreement in session.scalars(sa.select(Agreement)):
        seen = observed.get(agreement.id)
        if not seen:
            continue
        sids = sorted(seen, key=position.__getitem__)
        status = replayed_status(sequence, set(seen)) or agreement.status
        signed = [seen[s] for s in sids if seen[s] is not None]
        first, last = sids[0], sids[-1]
        if agreement.first_snapshot_id != first and agreement.first_snapshot_id is not None:
            result.first_seen_earlier.append(agreement)
        changed = False
        if agreement.status != status:
            result.status_changed.append((agreement, agreement.status))
            agreement.status, changed = status, True
        for attr, value in (
            ("first_snapshot_id", first),
            ("last_snapshot_id", last),
            ("signed_on", signed[-1] if signed else agreement.signed_on),
        ):
            if getattr(agreement, attr) != value:
                setattr(agreement, attr, value)
                changed = True
        if changed:
            agreement.updated_at = now
    session.flush()
    return result


def latest_seen_by_agency(session: Session) -> dict[int, date]:
    """For each agency, the date of the newest list that named it."""
    rows = session.execute(
        sa.select(Agreement.agency_id, sa.func.max(ImportSnapshot.as_of_on))
        .join(AgreementObservation, AgreementObservation.agreement_id == Agreement.id)
        .join(ImportSnapshot, ImportSnapshot.id == AgreementObservation.snapshot_id)
        .group_by(Agreement.agency_id)
    )
    return dict(rows.all())
