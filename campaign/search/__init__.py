"""Full-text search on both databases: SQLite FTS5 and PostgreSQL tsvector + GIN.

Every searchable table keeps a ``search_text`` column, the text already folded by
Python (``text.document``), so that both engines index the very same tokens and a
search finds the same rows on SQLite and on PostgreSQL. The index objects (FTS5
tables, GIN indexes, triggers) live in the migrations and in ``ddl``.
"""
