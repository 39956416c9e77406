"""action_network_hooks, action_network_receipts: a letter's Action Network receiver and
the keys it has taken in (idempotency)

Revision ID: e7c1a3f9b5d2
Revises: d4b8f2a6c9e1
Create Date: 2026-12-06 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "e7c1a3f9b5d2"
down_revision: str | Sequence[str] | None = "d4b8f2a6c9e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_network_hooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.Column("last_received_at", campaign.db.UTCDateTime(), nullable=True),
        sa.Column("received_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"],
            name=op.f("fk_action_network_hooks_created_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"], ["letters.id"],
            name=op.f("fk_action_network_hooks_letter_id_letters"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_network_hooks")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_action_network_hooks_letter_id")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_action_network_hooks_secret_hash")),
    )  # fmt: skip
    op.create_table(
        "action_network_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hook_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("sign_on_id", sa.Integer(), nullable=True),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hook_id"], ["action_network_hooks.id"],
            name=op.f("fk_action_network_receipts_hook_id_action_network_hooks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sign_on_id"], ["sign_ons.id"],
            name=op.f("fk_action_network_receipts_sign_on_id_sign_ons"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_network_receipts")),
        sa.UniqueConstraint("hook_id", "key", name=op.f("uq_action_network_receipts_hook_id_key")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("action_network_receipts")
    op.drop_table("action_network_hooks")
