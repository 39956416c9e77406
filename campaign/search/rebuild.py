"""Rebuilding a search index from its table: ``flask reindex`` and the migrations."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.search import ddl
from campaign.search.index import SearchIndex, document_of

CHUNK = 2_000


def _insert_terms(conn: sa.Connection, scope: str, words: set[str]) -> None:
    terms = sa.table("search_terms", sa.column("scope"), sa.column("term"))
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        statement = insert(terms).on_conflict_do_nothing()
    else:
        statement = terms.insert().prefix_with("OR IGNORE")
    ordered = sorted(words)
    for start in range(0, len(ordered), CHUNK):
        conn.execute(
            statement, [{"scope": scope, "term": w} for w in ordered[start : start + CHUNK]]
        )


def rebuild(conn: sa.Connection, index: SearchIndex) -> int:
    """Recompute every row's ``search_text`` (rows whose text changed are rewritten),
    recreate the engine's index objects and refill the index and its words. Returns
    the number of rows rewritten."""
    table = sa.table(
        index.table, sa.column("id"), sa.column("search_text"), *map(sa.column, index.columns)
    )
    ddl.drop_triggers(conn, index)
    changed: list[dict] = []
    words: set[str] = set()
    rows = conn.execute(
        sa.select(table.c.id, table.c.search_text, *(table.c[c] for c in index.columns))
    )
    for row in rows.mappings():
        text = document_of(index, row)
        words.update(text.split())
        if text != row["search_text"]:
            changed.append({"row_id": row["id"], "text": text})
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("text"))
    )
    for start in range(0, len(changed), CHUNK):
        conn.execute(update, changed[start : start + CHUNK])
    conn.execute(sa.text("DELETE FROM search_terms WHERE scope = :scope"), {"scope": index.table})
    _insert_terms(conn, index.table, words)
    ddl.create(conn, index)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")
    return len(changed)
