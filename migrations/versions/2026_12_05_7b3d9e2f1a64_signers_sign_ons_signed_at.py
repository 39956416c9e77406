"""sign_ons.signed_at: when the organization signed (the public form's first confirmation,
a CSV row's timestamp, a paper sign-on's date), read by every per-day figure

Revision ID: 7b3d9e2f1a64
Revises: 5e1a7c3b9d20
Create Date: 2026-11-29 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "7b3d9e2f1a64"
down_revision: str | Sequence[str] | None = "5e1a7c3b9d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TALLIES_BEFORE = [
    "letter_id",
    "status",
    "level",
    "state",
    "version_id",
    "confirmed_at",
    "created_at",
]
TALLIES_AFTER = ["letter_id", "status", "level", "state", "version_id", "confirmed_at", "signed_at"]


def upgrade() -> None:
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_at", campaign.db.UTCDateTime(), nullable=True))
        batch_op.drop_index("ix_sign_ons_tallies")
        batch_op.create_index("ix_sign_ons_tallies", TALLIES_AFTER, unique=False)
    # A public sign-on signed when it was confirmed (re-confirmations moved confirmed_at
    # later; the first one is no longer known); an imported one at its file's timestamp
    # and one added by hand when it was typed, both kept in created_at until now.
    sign_ons = sa.table(
        "sign_ons",
        sa.column("signed_at", campaign.db.UTCDateTime()),
        sa.column("confirmed_at", campaign.db.UTCDateTime()),
        sa.column("created_at", campaign.db.UTCDateTime()),
        sa.column("source", sa.String()),
        sa.column("status", sa.String()),
    )
    op.execute(
        sa.update(sign_ons)
        .where(sign_ons.c.status != "pending")
        .values(
            signed_at=sa.func.coalesce(
                sa.case((sign_ons.c.source == "public", sign_ons.c.confirmed_at)),
                sign_ons.c.created_at,
            )
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_ons_tallies")
        batch_op.create_index("ix_sign_ons_tallies", TALLIES_BEFORE, unique=False)
        batch_op.drop_column("signed_at")
