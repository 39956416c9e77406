"""The dashboard's figures, each in one query whatever the number of rows.

The map shades each state by the most pressing state of the campaign's delivered
demands on agencies there. Precedence, most pressing first (``MAP_PRECEDENCE``):

    overdue > awaiting a response > meeting scheduled > denied > renewed
            > partially met > met > withdrawn > no delivered demand

"Overdue" and "awaiting" need the coalition's attention (someone owes an answer);
a scheduled meeting is in progress; denied and renewed are setbacks to press
again; partially met and met are wins; withdrawn demands were dropped. Drafts
were never delivered and do not shade a state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.campaigns.models import Campaign
from campaign.core.clock import coalition_zone
from campaign.demands.models import AWAITING_STATUSES, Demand, DemandStatus
from campaign.demands.tracking import overdue_condition, status_counts
from campaign.letters.models import Letter
from campaign.signons.models import COUNTED, Level, SignOn

MAP_PRECEDENCE = [
    "overdue",
    "awaiting",
    "meeting_scheduled",
    "denied",
    "renewed",
    "partially_met",
    "met",
    "withdrawn",
    "none",
]
MAP_LABELS = {
    "overdue": "Overdue",
    "awaiting": "Awaiting a response",
    "meeting_scheduled": "Meeting scheduled",
    "denied": "Denied",
    "renewed": "Renewed",
    "partially_met": "Partially met",
    "met": "Met",
    "withdrawn": "Withdrawn",
    "none": "No delivered demand",
}
_RANK = {key: i for i, key in enumerate(MAP_PRECEDENCE)}


@dataclass
class SignOnFigures:
    """Counted sign-ons (confirmed or approved) across the campaign's letters."""

    total: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    per_day: dict[date, int] = field(default_factory=dict)


def _hour_bucket(session: Session, column):
    # Sign-ons are grouped by UTC hour in SQL and the hours put on the coalition's
    # calendar in Python: a few thousand rows at most, exact for every zone whose
    # offset is a whole number of hours (all US zones).
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.date_trunc("hour", column)
    # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff": the first 13 characters are the
    # hour (substr is several times cheaper than strftime over 100,000 rows)
    return sa.func.substr(sa.type_coerce(column, sa.String), 1, 13)


def _as_utc(value) -> datetime:
    if isinstance(value, str):  # "YYYY-MM-DD HH" (SQLite); much cheaper than strptime
        return datetime(
            int(value[0:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), tzinfo=UTC
        )
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def signon_figures(session: Session, campaign: Campaign, tz: str | None = None) -> SignOnFigures:
    """Total, by level and per local day, in one query grouped by hour."""
    when = sa.func.coalesce(SignOn.confirmed_at, SignOn.created_at)
    bucket = _hour_bucket(session, when).label("bucket")
    levels = list(Level)
    per_level = [sa.func.sum(sa.case((SignOn.level == level, 1), else_=0)) for level in levels]
    rows = session.execute(
        sa.select(bucket, *per_level)
        .join(Letter, Letter.id == SignOn.letter_id)
        .where(Letter.campaign_id == campaign.id, SignOn.status.in_(COUNTED))
        .group_by(bucket)
    ).all()
    zone = coalition_zone(tz)
    by_level = dict.fromkeys((level.value for level in levels), 0)
    per_day: Counter[date] = Counter()
    for hour, *counts in rows:
        for level, n in zip(levels, counts, strict=True):
            by_level[level.value] += int(n or 0)
        per_day[_as_utc(hour).astimezone(zone).date()] += sum(int(n or 0) for n in counts)
    return SignOnFigures(total=sum(by_level.values()), by_level=by_level, per_day=dict(per_day))


def state_categories(session: Session, campaign: Campaign, today: date) -> dict[str, str]:
    """Each state's map category (see ``MAP_PRECEDENCE``), in one grouped query."""
    rows = session.execute(
        sa.select(
            Agency.state,
            Demand.status,
            sa.func.sum(sa.case((overdue_condition(today), 1), else_=0)),
        )
        .join(Agency, Agency.id == Demand.agency_id)
        .where(Demand.campaign_id == campaign.id, Demand.status != DemandStatus.DRAFT)
        .group_by(Agency.state, Demand.status)
    ).all()
    best: dict[str, str] = {}
    for state, status, n_overdue in rows:
        status = DemandStatus(status)
        if n_overdue:
            key = "overdue"
        elif status in AWAITING_STATUSES:
            key = "awaiting"
        else:
            key = status.value
        if state not in best or _RANK[key] < _RANK[best[state]]:
            best[state] = key
    return best


@dataclass
class Dashboard:
    """Everything the dashboard shows."""

    signons: SignOnFigures
    demands: dict[str, int]
    states: dict[str, str]


def dashboard_figures(
    session: Session, campaign: Campaign, today: date, tz: str | None = None
) -> Dashboard:
    """The campaign's figures (three queries)."""
    return Dashboard(
        signons=signon_figures(session, campaign, tz),
        demands=status_counts(session, campaign, today),
        states=state_categories(session, campaign, today),
    )
