"""Word search over evidence: a folded ``search_text`` column and one substring test per word.

One query for both databases; only the substring test is compiled per dialect
(``word_in``): PostgreSQL's ``strpos()`` is about three times faster than its
``LIKE '%word%'``, while SQLite's ``LIKE`` beats its ``instr()``. The text is
already folded to lower case. At 10,000 records a scan of the column stays in
the tens of milliseconds (bench/evidence_search.py), so there is no full-text or
trigram index.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from campaign.agencies.models import Agency
from campaign.core.names import fold
from campaign.evidence.models import EvidenceRecord, EvidenceType

MAX_SEARCH_WORDS = 8

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


class word_in(FunctionElement):
    """True when ``column`` contains ``word``: LIKE on SQLite, strpos() on PostgreSQL.

    Built as ``word_in(column, word, like_pattern)``; each database reads the
    argument it is fastest with (bench/evidence_search.py measured both).
    """

    type = sa.Boolean()
    inherit_cache = True


def _word_in(column: sa.ColumnElement, word: str) -> word_in:
    pattern = "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    return word_in(column, sa.literal(word), sa.literal(pattern))


@compiles(word_in)
def _like(element, compiler, **kw):
    column, _word, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"({column} LIKE {pattern} ESCAPE '/')"


@compiles(word_in, "postgresql")
def _strpos(element, compiler, **kw):
    column, word, _pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"(strpos({column}, {word}) > 0)"


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
        query = query.where(_word_in(EvidenceRecord.search_text, word))
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
