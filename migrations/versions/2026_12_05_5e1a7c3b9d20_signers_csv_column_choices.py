"""CSV import: column choices remembered for the whole coalition (csv_column_choices)
instead of one mapping per campaign (csv_mappings, whose choices are carried over)

Revision ID: 5e1a7c3b9d20
Revises: 7e1a0c5d9b21
Create Date: 2026-11-29 09:00:00.000000
"""

import hashlib
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "5e1a7c3b9d20"
down_revision: str | Sequence[str] | None = "7e1a0c5d9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _key(header: str) -> str:
    # campaign.core.names.fold as of this migration, copied so that later changes to it
    # cannot change what this data step did
    text = unicodedata.normalize("NFKC", header).translate(_APOSTROPHES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


def upgrade() -> None:
    choices = op.create_table(
        "csv_column_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("header_key", sa.String(length=64), nullable=False),
        sa.Column("header", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("updated_at", campaign.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_column_choices")),
        sa.UniqueConstraint("header_key", name=op.f("uq_csv_column_choices_header_key")),
    )
    old = sa.table(
        "csv_mappings",
        sa.column("columns", sa.JSON()),
        sa.column("updated_at", campaign.db.UTCDateTime()),
    )
    conn = op.get_bind()
    # the most recent campaign's choice wins for a column used in several
    carried: dict[str, dict] = {}
    for columns, updated_at in conn.execute(
        sa.select(old.c.columns, old.c.updated_at).order_by(old.c.updated_at)
    ):
        for field, header in (columns or {}).items():
            # the timestamp's field was renamed with sign_ons.signed_at
            field = "signed_at" if field == "created_at" else field
            if header:
                carried[_key(header)] = {
                    "header_key": _key(header),
                    "header": header,
                    "field": field,
                    "updated_at": updated_at or datetime.now(UTC),
                }
    if carried:
        op.bulk_insert(choices, list(carried.values()))
    op.drop_table("csv_mappings")


def downgrade() -> None:
    op.create_table(
        "csv_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("updated_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_csv_mappings_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_mappings")),
        sa.UniqueConstraint("campaign_id", name=op.f("uq_csv_mappings_campaign_id")),
    )
    op.drop_table("csv_column_choices")
