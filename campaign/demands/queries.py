"""The demand list's filters as one query, shared by the list, bulk moves and linking one
evidence record to every demand that matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from campaign.agencies.models import Agency
from campaign.demands.models import OPEN_STATUSES, Demand, DemandStatus, Priority
from campaign.demands.tracking import overdue_condition

FILTER_KEYS = ("status", "state", "priority", "flagged", "overdue", "letter")


@dataclass
class DemandFilters:
    """The demand list's filters (all optional)."""

    status: str | None = None  # a status, or "open"
    state: str | None = None
    priority: str | None = None
    flagged: bool = False
    overdue: bool = False
    letter: int | None = None


def demand_query(campaign_id: int, filters: DemandFilters, today: date) -> sa.Select:
    """The campaign's demands matching the filters, by state, agency name, id."""
    query = (
        sa.select(Demand)
        .join(Demand.agency)
        .options(contains_eager(Demand.agency))
        .where(Demand.campaign_id == campaign_id)
    )
    if filters.status == "open":
        query = query.where(Demand.status.in_(OPEN_STATUSES))
    elif filters.status:
        query = query.where(Demand.status == DemandStatus(filters.status))
    if filters.state:
        query = query.where(Agency.state == filters.state)
    if filters.priority:
        query = query.where(Demand.priority == Priority(filters.priority))
    if filters.flagged:
        query = query.where(Demand.delisted_flag.is_(True))
    if filters.overdue:
        query = query.where(overdue_condition(today))
    if filters.letter:
        query = query.where(Demand.letter_id == filters.letter)
    return query.order_by(Agency.state, Agency.name, Demand.id)
