"""Full-text search on sign-ons: sign_ons.search_text, search_terms, FTS5 (SQLite) or a
GIN index and pg_trgm (PostgreSQL), and the triggers that keep them in step

Revision ID: 5c1e9a7b3d20
Revises: dcff1bf9bad8
Create Date: 2026-12-05 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from campaign.search.index import SearchIndex
from campaign.search.rebuild import rebuild

revision: str = "5c1e9a7b3d20"
down_revision: str | Sequence[str] | None = "dcff1bf9bad8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGN_ONS = SearchIndex("sign_ons", ("org_name", "signer_name", "signer_email", "city", "comment"))


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_terms",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column(
            "term",
            sa.String(length=60).with_variant(
                postgresql.VARCHAR(length=60, collation="C"), "postgresql"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("scope", "term", name=op.f("pk_search_terms")),
    )
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    rebuild(conn, SIGN_ONS)


def downgrade() -> None:
    from campaign.search.ddl import drop

    drop(op.get_bind(), SIGN_ONS)
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    op.drop_table("search_terms")
