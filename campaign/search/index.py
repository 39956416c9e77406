"""Which tables are searchable, and keeping their ``search_text`` in step with their text.

A model declares its index with ``search_index(table, "name", …)``, gives its
``search_text`` column ``insert_default(index)`` and calls ``keep_in_step``. The
``search_text`` column is then filled by Python on every write that goes through
SQLAlchemy: a column default for INSERTs (ORM and Core, one row or many) and a
``before_update`` hook for ORM updates. A Core UPDATE that changes one of the columns
sets ``search_text`` itself (``document_of``). The database's triggers carry the text
into the engine's index (``ddl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from campaign.search.text import document


@dataclass(frozen=True)
class SearchIndex:
    """A table's search index: its name doubles as the scope of its words."""

    table: str
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        """SQLite's FTS5 table over the table's ``search_text``."""
        return f"{self.table}_fts"

    @property
    def gin(self) -> str:
        """PostgreSQL's GIN index on ``to_tsvector('simple', search_text)``."""
        return f"ix_{self.table}_search"


INDEXES: dict[str, SearchIndex] = {}


def document_of(index: SearchIndex, values: Any) -> str:
    """The ``search_text`` of a row with these column values (a mapping)."""
    return document(*(values.get(c) for c in index.columns))


def search_index(table: str, *columns: str) -> SearchIndex:
    """Declare ``table`` searchable over ``columns``."""
    index = SearchIndex(table, tuple(columns))
    INDEXES[table] = index
    return index


def insert_default(index: SearchIndex):
    """The ``search_text`` column's default: computed from the row's other values, for
    every INSERT, ORM or Core, of one row or many."""

    def default(context) -> str:
        return document_of(index, context.get_current_parameters())

    return default


def keep_in_step(model: type, index: SearchIndex) -> None:
    """Recompute ``search_text`` whenever the ORM writes one of the indexed columns."""
    columns = index.columns

    def refresh(target) -> None:
        target.search_text = document_of(index, {c: getattr(target, c) for c in columns})

    @event.listens_for(model, "before_insert")
    def _insert(_mapper, _connection, target) -> None:
        refresh(target)

    @event.listens_for(model, "before_update")
    def _update(_mapper, _connection, target) -> None:
        state = sa.inspect(target)
        if any(state.attrs[c].history.has_changes() for c in columns):
            refresh(target)


def refresh(session, model: type, index: SearchIndex, ids: list[int]) -> None:
    """Recompute ``search_text`` of the rows ``ids`` of ``model`` after a Core UPDATE
    changed their text (a forgotten person's name, e-mail and comment must stop
    finding them)."""
    if not ids:
        return
    columns = [getattr(model, c) for c in index.columns]
    rows = session.execute(sa.select(model.id, *columns).where(model.id.in_(ids))).all()
    if rows:
        session.execute(
            sa.update(model),
            [{"id": row[0], "search_text": document_of(index, row._mapping)} for row in rows],
        )
