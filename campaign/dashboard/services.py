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

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.campaigns.models import Campaign
from campaign.core.days import hour_bucket, local_days
from campaign.demands.models import AWAITING_STATUSES, Demand, DemandStatus
from campaign.demands.tracking import overdue_condition, status_counts
from campaign.letters.models import Letter
from campaign.signons.models import COUNTED, Level, SignOn, SignOnStatus
from campaign.signons.services import on_letter_counts

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
    """Sign-ons across the campaign's letters: those on the letters (printed), those
    awaiting review (confirmed), and every signed and confirmed one by level and per day
    it was signed."""

    total: int = 0  # signed and confirmed (confirmed or approved)
    by_level: dict[str, int] = field(default_factory=dict)
    per_day: dict[date, int] = field(default_factory=dict)
    on_letter: int = 0
    awaiting_review: int = 0


def signon_figures(session: Session, campaign: Campaign, tz: str | None = None) -> SignOnFigures:
    """Totals, by level and per local day the organizations signed, in one query grouped
    by hour (``campaign.core.days``); the organizations on the letters in two more (the
    letters, then ``signons.services.on_letter_counts``)."""
    bucket = hour_bucket(session, SignOn.signed_at).label("bucket")
    levels = list(Level)
    per_level = [sa.func.sum(sa.case((SignOn.level == level, 1), else_=0)) for level in levels]
    confirmed = sa.func.sum(sa.case((SignOn.status == SignOnStatus.CONFIRMED, 1), else_=0))
    rows = session.execute(
        sa.select(bucket, confirmed, *per_level)
        .join(Letter, Letter.id == SignOn.letter_id)
        .where(Letter.campaign_id == campaign.id, SignOn.status.in_(COUNTED))
        .group_by(bucket)
    ).all()
    by_level = dict.fromkeys((level.value for level in levels), 0)
    awaiting = 0
    hours = []
    for hour, n_confirmed, *counts in rows:
        awaiting += int(n_confirmed or 0)
        for level, n in zip(levels, counts, strict=True):
            by_level[level.value] += int(n or 0)
        hours.append((hour, sum(int(n or 0) for n in counts)))
    letter_ids = list(
        session.scalars(sa.select(Letter.id).where(Letter.campaign_id == campaign.id))
    )
    return SignOnFigures(
        total=sum(by_level.values()),
        by_level=by_level,
        per_day=local_days(hours, tz),
        on_letter=sum(on_letter_counts(session, letter_ids).values()),
        awaiting_review=awaiting,
    )


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
