"""An agency's 287(g) standing as of ICE's latest lists: "listed, signed 2020-06-09" or
"no longer listed since 2026-03-02" (shown beside every demand)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.importer.history import snapshot_key
from campaign.agencies.models import Agreement, AgreementStatus, ImportSnapshot, ListType


@dataclass(frozen=True)
class Standing:
    """Where an agency's agreements stand on ICE's latest lists."""

    status: AgreementStatus | None  # None: ICE never listed the agency
    signed_on: date | None = None  # listed: the earliest signed date of its listed agreements
    since: date | None = None  # no longer listed: the first list that left it out
    dropped_by_snapshot_id: int | None = None

    @property
    def gone(self) -> bool:
        """ICE listed the agency once and lists no agreement of it now."""
        return self.status == AgreementStatus.NO_LONGER_LISTED

    @property
    def label(self) -> str:
        if self.status == AgreementStatus.PARTICIPATING:
            return "listed" + (f", signed {self.signed_on.isoformat()}" if self.signed_on else "")
        if self.status == AgreementStatus.PENDING:
            return "pending (on ICE's pending list)"
        if self.status == AgreementStatus.NO_LONGER_LISTED:
            return "no longer listed" + (f" since {self.since.isoformat()}" if self.since else "")
        return "not on ICE's lists"


def standings(session: Session, agency_ids: list[int] | set[int]) -> dict[int, Standing]:
    """Each agency's standing (two queries, whatever the number of agencies)."""
    ids = list(set(agency_ids))
    if not ids:
        return {}
    snapshots = {
        sid: (snapshot_key(as_of, list_type, sid), ListType(list_type), as_of)
        for sid, as_of, list_type in session.execute(
            sa.select(ImportSnapshot.id, ImportSnapshot.as_of_on, ImportSnapshot.list_type)
        )
    }
    rows = session.execute(
        sa.select(
            Agreement.agency_id, Agreement.status, Agreement.signed_on, Agreement.last_snapshot_id
        ).where(Agreement.agency_id.in_(ids))
    ).all()
    by_agency: dict[int, list] = {}
    for row in rows:
        by_agency.setdefault(row.agency_id, []).append(row)
    out: dict[int, Standing] = {}
    for agency_id in ids:
        agreements = by_agency.get(agency_id, [])
        listed = [a for a in agreements if a.status == AgreementStatus.PARTICIPATING]
        if listed:
            dates = [a.signed_on for a in listed if a.signed_on]
            out[agency_id] = Standing(AgreementStatus.PARTICIPATING, min(dates, default=None))
        elif any(a.status == AgreementStatus.PENDING for a in agreements):
            out[agency_id] = Standing(AgreementStatus.PENDING)
        elif agreements:
            since, dropped_by = _dropped(agreements, snapshots)
            out[agency_id] = Standing(AgreementStatus.NO_LONGER_LISTED, None, since, dropped_by)
        else:
            out[agency_id] = Standing(None)
    return out


def _dropped(agreements: list, snapshots: dict) -> tuple[date | None, int | None]:
    """The first list, after the last one that named one of these agreements, of that type."""
    last = [snapshots[a.last_snapshot_id] for a in agreements if a.last_snapshot_id in snapshots]
    if not last:
        return None, None
    last_key, last_type, _as_of = max(last)
    later = [(k, sid) for sid, (k, t, _d) in snapshots.items() if t == last_type and k > last_key]
    if not later:
        return None, None
    _key, sid = min(later)
    return snapshots[sid][2], sid
