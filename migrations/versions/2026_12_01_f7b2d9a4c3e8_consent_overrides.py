"""consent_overrides: a coordinator includes a sign-on that has not re-confirmed, with a reason

Revision ID: f7b2d9a4c3e8
Revises: e41a7c9d2b10
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "f7b2d9a4c3e8"
down_revision: str | Sequence[str] | None = "e41a7c9d2b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sign_on_id", sa.Integer(), nullable=False),
        sa.Column("material_number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sign_on_id"],
            ["sign_ons.id"],
            name=op.f("fk_consent_overrides_sign_on_id_sign_ons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_consent_overrides_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_overrides")),
        sa.UniqueConstraint(
            "sign_on_id",
            "material_number",
            name=op.f("uq_consent_overrides_sign_on_id_material_number"),
        ),
    )


def downgrade() -> None:
    op.drop_table("consent_overrides")
