"""letter_print_options.dated_on: the date printed on a letter before its delivery (empty:
today)

Revision ID: 6d2b8e4f1c37
Revises: 3a8f5c2e7d14
Create Date: 2026-12-05 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6d2b8e4f1c37"
down_revision: str | Sequence[str] | None = "3a8f5c2e7d14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("letter_print_options", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dated_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_print_options", schema=None) as batch_op:
        batch_op.drop_column("dated_on")
