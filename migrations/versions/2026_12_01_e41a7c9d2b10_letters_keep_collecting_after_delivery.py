"""letters: keep collecting after delivery; delivered withdrawals in addenda

Revision ID: e41a7c9d2b10
Revises: b3c1f0d2a9e4
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e41a7c9d2b10"
down_revision: str | Sequence[str] | None = "b3c1f0d2a9e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Letters sent before this never collected afterwards: false for them.
    with op.batch_alter_table("letters") as batch:
        batch.add_column(
            sa.Column("keeps_collecting", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("letter_delivery_sign_ons") as batch:
        batch.add_column(
            sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("letter_delivery_sign_ons") as batch:
        batch.drop_column("withdrawn")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("keeps_collecting")
