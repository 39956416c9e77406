"""The words each search index holds, for near spellings ("Mecklenberg" → "mecklenburg")."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base

# Byte order on both databases (SQLite's BINARY, PostgreSQL's "C"), so that a range
# ``term >= 'm' AND term < 'n'`` reads the same words from the primary key on both.
TermText = sa.String(60).with_variant(postgresql.VARCHAR(60, collation="C"), "postgresql")


class SearchTerm(Base):
    """A word that occurs in the ``search_text`` of a table (``scope``). Written by the
    database's triggers when a row's text is written; never removed (a word no row
    holds any more only costs a suggestion that finds nothing)."""

    __tablename__ = "search_terms"

    scope: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    term: Mapped[str] = mapped_column(TermText, primary_key=True)
