"""sign_on_links, sign_on_claims, sign_ons.reminded_at: links that stay valid, second signers

Revision ID: 95d1d2a0745f
Revises: b4d6f8a0c2e3
Create Date: 2026-12-04 21:15:57.631058
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "95d1d2a0745f"
down_revision: str | Sequence[str] | None = "b4d6f8a0c2e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_on_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sign_on_id", sa.Integer(), nullable=False),
        sa.Column("org_name", sa.String(length=300), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("signer_email", sa.String(length=254), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_expires_at", campaign.db.UTCDateTime(), nullable=False),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", campaign.db.UTCDateTime(), nullable=True),
        sa.Column(
            "decision",
            sa.Enum("signer", "kept", name="claimdecision", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("decided_at", campaign.db.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_sign_on_claims_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sign_on_id"],
            ["sign_ons.id"],
            name=op.f("fk_sign_on_claims_sign_on_id_sign_ons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_on_claims")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_on_claims_token_hash")),
    )
    with op.batch_alter_table("sign_on_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_on_claims_sign_on_id"), ["sign_on_id"], unique=False
        )

    op.create_table(
        "sign_on_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sign_on_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", campaign.db.UTCDateTime(), nullable=False),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sign_on_id"],
            ["sign_ons.id"],
            name=op.f("fk_sign_on_links_sign_on_id_sign_ons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_on_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_on_links_token_hash")),
    )
    with op.batch_alter_table("sign_on_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_on_links_sign_on_id"), ["sign_on_id"], unique=False
        )

    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", campaign.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")

    with op.batch_alter_table("sign_on_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_on_links_sign_on_id"))

    op.drop_table("sign_on_links")
    with op.batch_alter_table("sign_on_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_on_claims_sign_on_id"))

    op.drop_table("sign_on_claims")
