"""responses.source (who a response came from) and source_body; demand_events.happened_on,
demands.status_changed_on and last_event_on: history dated when it happened

Revision ID: 3f7a2c9e1b84
Revises: 2b226d209a72
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f7a2c9e1b84"
down_revision: str | Sequence[str] | None = "2b226d209a72"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("source_body", sa.String(length=200), server_default="", nullable=False)
        )
    # What was recorded before: a response naming an agency came from it (it may have been
    # credited to the demand's agency by default: nothing tells those apart, so they stay
    # the agency's); one naming only a person came from that person; the rest were logged
    # without saying and stay "not recorded" (NULL) rather than guessed.
    responses = sa.table(
        "responses", sa.column("source"), sa.column("agency_id"), sa.column("from_name")
    )
    op.execute(responses.update().where(responses.c.agency_id.is_not(None)).values(source="agency"))
    op.execute(
        responses.update()
        .where(responses.c.agency_id.is_(None), responses.c.from_name != "")
        .values(source="person")
    )
    with op.batch_alter_table("demand_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("happened_on", sa.Date(), nullable=True))
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_changed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_event_on", sa.Date(), nullable=True))
    # Older moves keep no day of their own (NULL): the timeline places them when they were
    # recorded, as before, and they set no lower bound for the next move.


def downgrade() -> None:
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_column("last_event_on")
        batch_op.drop_column("status_changed_on")
    with op.batch_alter_table("demand_events", schema=None) as batch_op:
        batch_op.drop_column("happened_on")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("source_body")
        batch_op.drop_column("source")
