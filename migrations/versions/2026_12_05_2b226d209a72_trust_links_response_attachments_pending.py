"""response_attachments.pending: a member's file on an approved response awaits a coordinator

Revision ID: 2b226d209a72
Revises: 95d1d2a0745f
Create Date: 2026-12-04 21:50:32.214317
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "2b226d209a72"
down_revision: str | Sequence[str] | None = "95d1d2a0745f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.drop_column("pending")
