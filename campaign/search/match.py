"""Searching an index: the WHERE clause each engine reads, near spellings, counts.

The user's text never reaches FTS5's MATCH nor ``to_tsquery``: ``text.parse`` cuts
it into tokens of letters and digits, and the query of each engine is built here
from those tokens, each one quoted.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from campaign.search.index import SearchIndex
from campaign.search.models import SearchTerm
from campaign.search.text import Query, Term, parse

# Near spellings: words of at least this many letters that no indexed word starts with
MIN_FUZZY = 4
SIMILARITY = 0.3  # pg_trgm's own default threshold
MAX_ALTERNATIVES = 3
LENGTH_SLACK = 2
_PLAIN = re.compile(r"[^\W_]+")


class fts_match(FunctionElement):
    """``fts_match(id, table, fts_table, fts5_query, tsquery)``: True for the rows of
    ``table`` that match; FTS5 on SQLite, ``@@`` on PostgreSQL (each reads its own query)."""

    # not Boolean: SQLite would get ``(… IN …) = 1``, which keeps it off the rowid lookups
    type = sa.types.NullType()
    inherit_cache = True
    name = "fts_match"


@compiles(fts_match)
def _fts5(element, compiler, **kw):
    row_id, _table, fts, query, _tsquery = (compiler.process(c, **kw) for c in element.clauses)
    return f"({row_id} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {query}))"


@compiles(fts_match, "postgresql")
def _tsvector(element, compiler, **kw):
    row_id, table, _fts, _query, tsquery = (compiler.process(c, **kw) for c in element.clauses)
    # The matches are read from the GIN index (the very expression it was built on) in a
    # subquery kept apart by OFFSET 0: every prefix search is estimated at 2% of the
    # rows, and without the fence a rare word would make the planner walk the list's
    # index and parse every row's text on the way (a second at 100,000 sign-ons).
    return (
        f"({row_id} IN (SELECT m.id FROM {table} AS m WHERE"
        f" to_tsvector('simple'::regconfig, m.search_text)"
        f" @@ to_tsquery('simple'::regconfig, {tsquery}) OFFSET 0))"
    )


class index_aside(FunctionElement):
    """``column`` as a value SQLite does not look up in an index (``+column``), the same
    column elsewhere.

    Beside ``matches``: SQLite takes ``letter_id = ?`` for the narrower condition and walks
    a letter's 80,000 sign-ons probing the words' matches for each; with the column set
    aside it starts from the matches (a few rows for most searches) and checks each one's
    letter by its rowid. PostgreSQL plans from its statistics and is left alone."""

    inherit_cache = True
    name = "index_aside"

    def __init__(self, column) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(index_aside)
def _unary_plus(element, compiler, **kw):
    return "+" + compiler.process(next(iter(element.clauses)), **kw)


@compiles(index_aside, "postgresql")
def _as_is(element, compiler, **kw):
    return compiler.process(next(iter(element.clauses)), **kw)


def _fts5_term(term: Term) -> str:
    phrase = '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")
    if not term.alternatives:
        return phrase
    return "(" + " OR ".join([phrase, *(f'"{a}"' for a in term.alternatives)]) + ")"


def _ts_term(term: Term) -> str:
    *head, last = term.tokens
    star = ":*" if term.prefix else ""
    phrase = " <-> ".join([*(f"'{t}'" for t in head), f"'{last}'{star}"])
    if not term.alternatives:
        return f"({phrase})"
    return "(" + " | ".join([f"({phrase})", *(f"'{a}'" for a in term.alternatives)]) + ")"


def fts5_query(query: Query) -> str:
    """The MATCH string of ``query`` for FTS5 (every token in double quotes)."""
    return " AND ".join(_fts5_term(t) for t in query.terms)


def tsquery(query: Query) -> str:
    """The ``to_tsquery`` string of ``query`` (every token in single quotes)."""
    return " & ".join(_ts_term(t) for t in query.terms)


def matches(index: SearchIndex, id_column, query: Query) -> sa.ColumnElement:
    """Rows of ``index``'s table (``id_column`` of the table or of an alias of it) that
    hold every term of ``query`` (which must not be empty)."""
    if query.impossible:
        return sa.false()
    return fts_match(
        id_column,
        sa.literal_column(index.table),
        sa.literal_column(index.fts),
        sa.literal(fts5_query(query)),
        sa.literal(tsquery(query)),
    )


def _starts_a_word(session: Session, index: SearchIndex, token: str) -> bool:
    upper = token[:-1] + chr(ord(token[-1]) + 1)
    return (
        session.scalar(
            sa.select(sa.literal(1))
            .where(
                SearchTerm.scope == index.table,
                SearchTerm.term >= token,
                SearchTerm.term < upper,
            )
            .limit(1)
        )
        is not None
    )


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: two spaces before it, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity()`` of two words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared) if ta or tb else 0.0


def near_spellings(session: Session, index: SearchIndex, token: str) -> tuple[str, ...]:
    """Indexed words that look like ``token``: the same first letter, a length within two,
    trigram similarity of at least 0.3 (pg_trgm's rule), the best three."""
    first = token[0]
    query = sa.select(SearchTerm.term).where(
        SearchTerm.scope == index.table,
        SearchTerm.term >= first,
        SearchTerm.term < chr(ord(first) + 1),
        sa.func.length(SearchTerm.term).between(
            len(token) - LENGTH_SLACK, len(token) + LENGTH_SLACK
        ),
    )
    if session.get_bind().dialect.name == "postgresql":
        # pg_trgm scores in the database and sends only likely words; the final
        # scoring below is the same on both databases
        query = query.where(sa.func.similarity(SearchTerm.term, token) >= SIMILARITY - 0.05)
    # words as text.document writes them (letters and digits): anything else in the table
    # was not written by it, and must not reach the engines' query syntax
    scored = [(similarity(token, w), w) for w in session.scalars(query) if _PLAIN.fullmatch(w)]
    best = sorted(((s, w) for s, w in scored if s >= SIMILARITY), key=lambda sw: (-sw[0], sw[1]))
    return tuple(w for _, w in best[:MAX_ALTERNATIVES])


def resolve(session: Session, index: SearchIndex, text: str | None) -> Query:
    """``text`` parsed, with near spellings for each word that starts no indexed word
    ("mecklenberg" → "mecklenburg"); a word with neither makes the query match nothing,
    which is then known without asking the index."""
    query = parse(text)
    terms = []
    for term in query.terms:
        token = term.tokens[0]
        if len(term.tokens) == 1 and not _starts_a_word(session, index, token):
            near = near_spellings(session, index, token) if len(token) >= MIN_FUZZY else ()
            if not near:
                return Query(query.terms, impossible=True)
            term = Term(term.tokens, near)
        terms.append(term)
    return Query(terms)


def forget_words(session: Session, indexes, words: set[str]) -> int:
    """Remove from ``search_terms`` those of ``words`` (as ``text.document`` writes them)
    that no row of each index holds any more: a forgotten person's name and address must
    not stay on as suggestions. Returns how many were removed."""
    removed = 0
    for index in indexes:
        listed = session.scalars(
            sa.select(SearchTerm.term).where(
                SearchTerm.scope == index.table, SearchTerm.term.in_(sorted(words))
            )
        ).all()
        table = sa.table(index.table, sa.column("id"))
        for word in listed:
            if not _PLAIN.fullmatch(word):
                continue
            exact = Query([Term((word,), prefix=False)])
            held = session.scalar(
                sa.select(sa.literal(1)).select_from(table)
                .where(matches(index, table.c.id, exact)).limit(1)
            )  # fmt: skip
            if held is None:
                session.execute(
                    sa.delete(SearchTerm).where(
                        SearchTerm.scope == index.table, SearchTerm.term == word
                    )
                )
                removed += 1
    return removed


def capped_count(session: Session, ids: sa.Select, cap: int) -> tuple[int, bool]:
    """How many rows ``ids`` gives, counting no further than ``cap``: (count, more?)."""
    limited = ids.order_by(None).limit(cap + 1).subquery()
    n = int(session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0)
    return min(n, cap), n > cap
