"""Word search over evidence: the full-text index over title, summary and citation.

``search_text`` is the folded text campaign.search indexes (FTS5 on SQLite, GIN on
PostgreSQL); every word searched must be in it, as a prefix.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.evidence.models import EVIDENCE_SEARCH, EvidenceRecord, EvidenceType
from campaign.search.match import matches, resolve
from campaign.search.text import Query, document, parse


def search_text_for(*parts: str | None) -> str:
    """Text folded for word search (``campaign.search.text.document``)."""
    return document(*parts)


def resolve_search(session: Session, q: str | None) -> Query:
    """``q`` with near spellings for the words that start no indexed word."""
    return resolve(session, EVIDENCE_SEARCH, q)


def evidence_query(
    *,
    q: str | None = None,
    type: EvidenceType | None = None,
    state: str | None = None,
    agency_id: int | None = None,
    agency_name: str | None = None,
    search: Query | None = None,
) -> sa.Select:
    """Live (not deleted) records matching every word of ``q`` (or ``search``, ``q`` as
    ``resolve_search`` read it) and the filters, newest first. Punctuation alone is no
    filter."""
    query = sa.select(EvidenceRecord).where(EvidenceRecord.deleted_at.is_(None))
    search = search if search is not None else parse(q)
    if search:
        query = query.where(matches(EVIDENCE_SEARCH, EvidenceRecord.id, search))
    if type is not None:
        query = query.where(EvidenceRecord.type == type)
    if agency_id is not None:
        query = query.where(EvidenceRecord.agency_id == agency_id)
    if state:
        # the record's own state: kept with or without an agency (national: "national")
        query = query.where(
            EvidenceRecord.state == (state if state == "national" else state.upper())
        )
    if agency_name:
        agencies = sa.select(Agency.id).where(
            sa.func.lower(Agency.name).contains(agency_name.strip().lower(), autoescape=True)
        )
        query = query.where(EvidenceRecord.agency_id.in_(agencies))
    return query.order_by(EvidenceRecord.event_on.desc().nulls_last(), EvidenceRecord.id.desc())
