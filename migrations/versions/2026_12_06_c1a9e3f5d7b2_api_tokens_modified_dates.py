"""api: personal API tokens; every resource the API serves has a reliable updated_at

Revision ID: c1a9e3f5d7b2
Revises: 6d2f0b8c4e31
Create Date: 2026-12-06 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "c1a9e3f5d7b2"
down_revision: str | Sequence[str] | None = "6d2f0b8c4e31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows the API serves with a modified_date: updated_at was empty until a
# row's first edit (and organizations and responses had none); it is now set on every
# insert and update, and rows written before start from their creation.
TABLES = (
    "letters",
    "sign_ons",
    "organizations",
    "agencies",
    "agreements",
    "demands",
    "evidence_records",
    "responses",
)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", campaign.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", campaign.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_revoked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)
    for table in ("organizations", "responses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("updated_at", campaign.db.UTCDateTime(), nullable=True))
    for table in TABLES:
        op.execute(f"UPDATE {table} SET updated_at = created_at WHERE updated_at IS NULL")  # noqa: S608
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_ons_letter_updated", ["letter_id", "updated_at", "id"], unique=False
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index("ix_organizations_updated", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_updated")
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_ons_letter_updated")
    for table in ("organizations", "responses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("updated_at")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
    op.drop_table("api_tokens")
