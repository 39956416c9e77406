"""evidence_records.state (kept without an agency, or national), retrieved_on and pin_cite
(provenance)

Revision ID: 8d2e5f1a7c36
Revises: 3f7a2c9e1b84
Create Date: 2026-12-05 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2e5f1a7c36"
down_revision: str | Sequence[str] | None = "3f7a2c9e1b84"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retrieved_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("pin_cite", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("state", sa.String(length=10), nullable=True))
        batch_op.create_index("ix_evidence_records_state", ["state"], unique=False)
    # A record with an agency is about the agency's state; one without kept none.
    records = sa.table("evidence_records", sa.column("state"), sa.column("agency_id"))
    agencies = sa.table("agencies", sa.column("id"), sa.column("state"))
    op.execute(
        records.update()
        .where(records.c.agency_id.is_not(None))
        .values(
            state=sa.select(agencies.c.state)
            .where(agencies.c.id == records.c.agency_id)
            .scalar_subquery()
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("evidence_records", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_records_state")
        batch_op.drop_column("state")
        batch_op.drop_column("pin_cite")
        batch_op.drop_column("retrieved_on")
