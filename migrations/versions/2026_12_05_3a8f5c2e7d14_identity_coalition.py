"""The coalition as signers see it: coalition_settings (the instance's), a campaign's own
name, contact and logo, and the From name and Reply-To of each outbox message

Revision ID: 3a8f5c2e7d14
Revises: 9c4e6a1d2b57
Create Date: 2026-12-05 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "3a8f5c2e7d14"
down_revision: str | Sequence[str] | None = "9c4e6a1d2b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coalition_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("logo_sha256", sa.String(length=64), nullable=True),
        sa.Column("logo_kind", sa.String(length=10), nullable=True),
        sa.Column("updated_at", campaign.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_coalition_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_settings")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("coalition_name", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("coalition_email", sa.String(length=254), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("coalition_logo_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("coalition_logo_kind", sa.String(length=10), nullable=True))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("reply_to", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
        batch_op.drop_column("from_name")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("coalition_logo_kind")
        batch_op.drop_column("coalition_logo_sha256")
        batch_op.drop_column("coalition_email")
        batch_op.drop_column("coalition_name")
    op.drop_table("coalition_settings")
