"""Agencies: the queries behind the agency pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from campaign.agencies.models import (
    AGENCY_SEARCH,
    Agency,
    AgencyType,
    Agreement,
    AgreementModel,
    AgreementObservation,
    AgreementStatus,
    ImportSnapshot,
)
from campaign.search.match import matches, resolve
from campaign.search.text import Query, parse

# What agency_key spells out, spelled out in the search too: "Miami PD" finds
# "Miami Police Department".
_ABBREVIATIONS = re.compile(r"\b(dept|twp|ofc|pd)\b\.?", re.IGNORECASE)
_SPELLED = {"dept": "department", "twp": "township", "ofc": "office", "pd": "police department"}


def _spelled_out(q: str) -> str:
    return _ABBREVIATIONS.sub(lambda m: _SPELLED[m.group(1).lower()], q)


@dataclass
class AgencyFilters:
    """The agency list's filters (all optional)."""

    state: str | None = None
    model: AgreementModel | None = None
    status: AgreementStatus | None = None
    type: AgencyType | None = None
    q: str | None = None
    # ``q`` as the index reads it, near spellings included (``with_search``)
    search: Query | None = field(default=None, compare=False)

    def with_search(self, session: Session) -> AgencyFilters:
        """These filters with ``q`` resolved against the index ("Mecklenberg" finds
        "Mecklenburg County Sheriff's Office")."""
        if not self.q:
            return self
        return replace(self, search=resolve(session, AGENCY_SEARCH, _spelled_out(self.q)))


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
        query = query.where(_matching(filters))
    return query.order_by(Agency.state, Agency.key, Agency.id).options(
        selectinload(Agency.agreements)
    )


def _matching(filters: AgencyFilters) -> sa.ColumnElement:
    """Agencies whose name, county or an alias (a name ICE used before a rename) hold
    every word searched, from the full-text index."""
    search = filters.search if filters.search is not None else parse(_spelled_out(filters.q or ""))
    if not search:  # only punctuation: nothing has those words
        return sa.false()
    named = aliased(Agency)
    found = sa.select(sa.func.coalesce(named.merged_into_id, named.id)).where(
        matches(AGENCY_SEARCH, named.id, search)
    )
    return Agency.id.in_(found)


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
