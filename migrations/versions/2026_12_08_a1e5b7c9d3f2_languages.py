"""languages: a sign-on's (and a second signer's) language; a letter's Spanish text beside
the English one, kept in each version; which language(s) the letter prints in

Revision ID: a1e5b7c9d3f2
Revises: b20c2d1e0f02
Create Date: 2026-12-05 03:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1e5b7c9d3f2"
down_revision: str | Sequence[str] | None = "b20c2d1e0f02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_ons") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="en")
        )
    with op.batch_alter_table("sign_on_claims") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="en")
        )
    with op.batch_alter_table("letters") as batch:
        batch.add_column(
            sa.Column("bilingual", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("title_es", sa.String(length=300), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("addressees_es", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("body_es", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("closing_es", sa.String(length=300), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("sender_es", sa.String(length=300), nullable=False, server_default="")
        )
    with op.batch_alter_table("letter_versions") as batch:
        batch.add_column(sa.Column("body_es", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("letter_print_options") as batch:
        batch.add_column(
            sa.Column("languages", sa.String(length=5), nullable=False, server_default="en")
        )


def downgrade() -> None:
    with op.batch_alter_table("letter_print_options") as batch:
        batch.drop_column("languages")
    with op.batch_alter_table("letter_versions") as batch:
        batch.drop_column("body_es")
    with op.batch_alter_table("letters") as batch:
        for column in ("sender_es", "closing_es", "body_es", "addressees_es", "title_es"):
            batch.drop_column(column)
        batch.drop_column("bilingual")
    with op.batch_alter_table("sign_on_claims") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("sign_ons") as batch:
        batch.drop_column("language")
