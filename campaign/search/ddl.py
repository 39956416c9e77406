"""The engines' index objects for a searchable table, created by the migrations and by
``flask reindex`` (which also refills them).

SQLite: an external-content FTS5 table over ``search_text`` (``unicode61
remove_diacritics 2``, prefix indexes of 2 and 3 characters for type-ahead) and
triggers that keep it and ``search_terms`` in step with every write, whatever code
makes it. PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)`` (always
in step: it is an index) and a trigger that adds new words to ``search_terms``.
"""

from __future__ import annotations

import sqlalchemy as sa

from campaign.search.index import SearchIndex

# the words of the new row's search_text (single spaces, no quotes: see text.document)
_SQLITE_WORDS = (
    "SELECT '{scope}', value FROM json_each('[\"' || replace(new.search_text, ' ', '\",\"')"
    " || '\"]') WHERE value <> ''"
)


def _sqlite(index: SearchIndex) -> list[str]:
    t, fts = index.table, index.fts
    words = _SQLITE_WORDS.format(scope=t)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{t}',"
        " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {t}_search_ai AFTER INSERT ON {t} BEGIN"
        f" INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
        f" INSERT OR IGNORE INTO search_terms(scope, term) {words}; END",
        f"CREATE TRIGGER IF NOT EXISTS {t}_search_ad AFTER DELETE ON {t} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        " END",
        f"CREATE TRIGGER IF NOT EXISTS {t}_search_au AFTER UPDATE OF search_text ON {t} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        f" INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
        f" INSERT OR IGNORE INTO search_terms(scope, term) {words}; END",
    ]


# Words in a fixed order, so that two transactions adding the same new words wait for
# each other instead of deadlocking.
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION search_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (scope, term)
  SELECT DISTINCT TG_ARGV[0], w FROM unnest(string_to_array(NEW.search_text, ' ')) AS w
  WHERE w <> '' ORDER BY 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$
"""


def _postgres(index: SearchIndex) -> list[str]:
    t = index.table
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        POSTGRES_FUNCTION,
        f"CREATE INDEX IF NOT EXISTS {index.gin} ON {t}"
        " USING gin (to_tsvector('simple'::regconfig, search_text))",
        f"DROP TRIGGER IF EXISTS {t}_search_terms ON {t}",
        f"CREATE TRIGGER {t}_search_terms AFTER INSERT OR UPDATE OF search_text ON {t}"
        f" FOR EACH ROW EXECUTE FUNCTION search_terms_add('{t}')",
    ]


def create(conn: sa.Connection, index: SearchIndex) -> None:
    """Create the index objects of ``index`` that do not exist yet."""
    statements = _postgres(index) if conn.dialect.name == "postgresql" else _sqlite(index)
    for statement in statements:
        conn.exec_driver_sql(statement)


def drop_triggers(conn: sa.Connection, index: SearchIndex) -> None:
    """Drop the triggers of ``index`` (a rebuild writes every row without them)."""
    t = index.table
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_search_terms ON {t}")
        return
    for suffix in ("ai", "ad", "au"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_search_{suffix}")


def drop(conn: sa.Connection, index: SearchIndex) -> None:
    """Drop the index objects of ``index`` (the migration's downgrade)."""
    drop_triggers(conn, index)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.gin}")
    else:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {index.fts}")


def include_name(name: str | None, type_: str, _parents: dict) -> bool:
    """Alembic's filter: leave out the FTS5 tables and GIN indexes made here (they are not
    in the models' metadata; autogenerate must not drop them)."""
    if type_ == "table":
        return (name or "").rsplit("_fts", 1)[-1] not in (
            "",
            "_data",
            "_idx",
            "_docsize",
            "_config",
        )
    if type_ == "index":
        return not (name or "").endswith("_search")
    return True
