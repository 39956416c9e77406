"""Full-text search on the directory (organizations, contacts), evidence and agencies:
search_text columns, FTS5 tables (SQLite) or GIN indexes (PostgreSQL), and their triggers;
ix_sign_ons_flagged, the probable duplicates alone

Revision ID: 6d2f0b8c4e31
Revises: 5c1e9a7b3d20
Create Date: 2026-12-05 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from campaign.search.ddl import drop
from campaign.search.index import SearchIndex
from campaign.search.rebuild import rebuild

revision: str = "6d2f0b8c4e31"
down_revision: str | Sequence[str] | None = "5c1e9a7b3d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    SearchIndex("organizations", ("name", "city")),
    SearchIndex("contacts", ("name", "email")),
    SearchIndex("evidence_records", ("title", "summary", "citation")),
    SearchIndex("agencies", ("name", "county", "key")),
]
NEW_COLUMNS = ("organizations", "contacts", "agencies")  # evidence_records has its own


def upgrade() -> None:
    for table in NEW_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("search_text", sa.Text(), server_default="", nullable=False)
            )
    # evidence_records.search_text is there already (folded a little differently): rebuilt
    conn = op.get_bind()
    for index in INDEXES:
        rebuild(conn, index)
    # the review queue's probable-duplicates filter: the flagged rows alone, in list order
    op.create_index(
        "ix_sign_ons_flagged",
        "sign_ons",
        ["letter_id", "created_at", "id"],
        unique=False,
        sqlite_where=sa.text("probable_duplicate_of_id IS NOT NULL"),
        postgresql_where=sa.text("probable_duplicate_of_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_sign_ons_flagged", table_name="sign_ons")
    conn = op.get_bind()
    for index in INDEXES:
        drop(conn, index)
    for table in NEW_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("search_text")
