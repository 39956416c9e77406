"""sign_ons: directory indexes only on linked rows (pending public sign-ons have none)

Revision ID: b3c1f0d2a9e4
Revises: 6a72e0545a70
Create Date: 2026-11-28 04:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3c1f0d2a9e4"
down_revision: str | Sequence[str] | None = "6a72e0545a70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("organization_id", "contact_id")


def upgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_sign_ons_{column}", table_name="sign_ons")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            f"ix_sign_ons_{column}",
            "sign_ons",
            [column],
            unique=False,
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_sign_ons_{column}", table_name="sign_ons")
        op.create_index(f"ix_sign_ons_{column}", "sign_ons", [column], unique=False)
