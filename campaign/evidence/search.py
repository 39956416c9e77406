"""Word search over evidence: a folded ``search_text`` column and one LIKE per word.

Portable (the same SQL on SQLite and PostgreSQL). At 10,000 records a scan of
the column is fast enough (see bench/evidence_search.py), so no full-text index.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.agencies.models import Agency
from campaign.core.names import fold
from campaign.evidence.models import EvidenceRecord, EvidenceType

MAX_SEARCH_WORDS = 8

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def search_text_for(*parts: str | None) -> str:
    """Text folded for word search: lower-case, no accents, punctuation as spaces."""
    return " ".join(_NON_WORD.sub(" ", fold(" ".join(p or "" for p in parts))).split())


def search_words(query: str | None) -> list[str]:
    """The distinct words of a search box, folded the same way as ``search_text``."""
    words: list[str] = []
    for word in search_text_for(query).split():
        if word not in words:
            words.append(word)
    return words[:MAX_SEARCH_WORDS]


def evidence_query(
    *,
    q: str | None = None,
    type: EvidenceType | None = None,
    state: str | None = None,
    agency_id: int | None = None,
    agency_name: str | None = None,
) -> sa.Select:
    """Live (not deleted) records matching every word of ``q`` and the filters, newest first."""
    query = sa.select(EvidenceRecord).where(EvidenceRecord.deleted_at.is_(None))
    for word in search_words(q):
        query = query.where(EvidenceRecord.search_text.contains(word, autoescape=True))
    if type is not None:
        query = query.where(EvidenceRecord.type == type)
    if agency_id is not None:
        query = query.where(EvidenceRecord.agency_id == agency_id)
    if state or agency_name:
        agencies = sa.select(Agency.id)
        if state:
            agencies = agencies.where(Agency.state == state.upper())
        if agency_name:
            agencies = agencies.where(
                sa.func.lower(Agency.name).contains(agency_name.strip().lower(), autoescape=True)
            )
        query = query.where(EvidenceRecord.agency_id.in_(agencies))
    return query.order_by(EvidenceRecord.event_on.desc().nulls_last(), EvidenceRecord.id.desc())
