"""render_jobs: heartbeat_at, the rendering worker's renewed claim (a dead worker's job
is taken again after the lease, not after half an hour)

Revision ID: 7e1a0c5d9b21
Revises: f7b2d9a4c3e8
Create Date: 2026-12-04 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "7e1a0c5d9b21"
down_revision: str | Sequence[str] | None = "f7b2d9a4c3e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("render_jobs") as batch:
        batch.add_column(sa.Column("heartbeat_at", campaign.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("render_jobs") as batch:
        batch.drop_column("heartbeat_at")
