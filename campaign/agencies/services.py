"""Agencies: the queries behind the agency pages."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from campaign.agencies.ice_workbook import agency_key
from campaign.agencies.models import (
    Agency,
    AgencyType,
    Agreement,
    AgreementModel,
    AgreementObservation,
    AgreementStatus,
    ImportSnapshot,
)


@dataclass
class AgencyFilters:
    """The agency list's filters (all optional)."""

    state: str | None = None
    model: AgreementModel | None = None
    status: AgreementStatus | None = None
    type: AgencyType | None = None
    q: str | None = None


def agency_query(filters: AgencyFilters) -> sa.Select:
    """Agencies (not merged aliases) matching the filters, by state then name."""
    query = sa.select(Agency).where(Agency.merged_into_id.is_(None))
    if filters.state:
        query = query.where(Agency.state == filters.state)
    if filters.type:
        query = query.where(Agency.type == filters.type)
    if filters.model or filters.status:
        # one agreement must match both, e.g. "a TFM agreement that is pending"
        match = sa.select(Agreement.id).where(Agreement.agency_id == Agency.id)
        if filters.model:
            match = match.where(Agreement.model == filters.model)
        if filters.status:
            match = match.where(Agreement.status == filters.status)
        query = query.where(match.exists())
    if filters.q:
        # every word of the search in the normalised name, in any order
        for word in agency_key(filters.q).split()[:8]:
            query = query.where(Agency.key.contains(word, autoescape=True))
    return query.order_by(Agency.state, Agency.key, Agency.id).options(
        selectinload(Agency.agreements)
    )


def agency_history(session: Session, agency: Agency) -> dict[int, list[AgreementObservation]]:
    """Each agreement's observations, oldest snapshot first (one query)."""
    rows = session.scalars(
        sa.select(AgreementObservation)
        .join(Agreement, Agreement.id == AgreementObservation.agreement_id)
        .join(ImportSnapshot, ImportSnapshot.id == AgreementObservation.snapshot_id)
        .where(Agreement.agency_id == agency.id)
        .order_by(ImportSnapshot.as_of_on, ImportSnapshot.id)
        .options(selectinload(AgreementObservation.snapshot))
    )
    out: dict[int, list[AgreementObservation]] = {}
    for obs in rows:
        out.setdefault(obs.agreement_id, []).append(obs)
    return out


def status_counts(session: Session) -> dict[str, int]:
    """How many agreements stand in each status (for the list's header)."""
    rows = session.execute(
        sa.select(Agreement.status, sa.func.count()).group_by(Agreement.status)
    ).all()
    return {status.value: count for status, count in rows}
