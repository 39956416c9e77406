"""organizations.from_sign_on, contacts.from_sign_on: brought into the directory by a
sign-on, so that they go again when no sign-on that counts stays behind them

Revision ID: 9c4e6a1d2b57
Revises: 7b3d9e2f1a64
Create Date: 2026-11-29 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4e6a1d2b57"
down_revision: str | Sequence[str] | None = "7b3d9e2f1a64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("organizations", "contacts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("from_sign_on", sa.Boolean(), server_default=sa.false(), nullable=False)
            )
    # Linking (and the directory's first backfill) copied the sign-on's created_at onto
    # the organization or contact it made; the directory's own import stamps its time.
    sign_ons = sa.table(
        "sign_ons",
        sa.column("organization_id"),
        sa.column("contact_id"),
        sa.column("created_at", sa.DateTime()),
    )
    for table, column in (("organizations", "organization_id"), ("contacts", "contact_id")):
        target = sa.table(
            table,
            sa.column("id"),
            sa.column("created_at", sa.DateTime()),
            sa.column("from_sign_on"),
        )
        op.execute(
            target.update()
            .where(
                sa.exists().where(
                    sign_ons.c[column] == target.c.id,
                    sign_ons.c.created_at == target.c.created_at,
                )
            )
            .values(from_sign_on=True)
        )


def downgrade() -> None:
    for table in ("organizations", "contacts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("from_sign_on")
