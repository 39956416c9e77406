"""targets, target_channels, target_sets, letter_targets, agency_follow_ups; receipts on
outbox_messages; receipt files on letter_deliveries; the response clock on demands

Revision ID: 4f9ba5c3cfd8
Revises: 8d2e5f1a7c36
Create Date: 2026-12-05 00:11:21.666345
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import campaign.db

revision: str = "4f9ba5c3cfd8"
down_revision: str | Sequence[str] | None = "8d2e5f1a7c36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "target_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_target_sets_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_sets")),
        sa.UniqueConstraint("name", name=op.f("uq_target_sets_name")),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "dhs_secretary",
                "ice",
                "ero",
                "crcl",
                "dhs_other",
                "sheriff",
                "police",
                "county_board",
                "state",
                "other",
                name="targetbody",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("organization", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", campaign.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_targets_agency_id_agencies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_targets_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index("ix_targets_body_name", ["body", "name"], unique=False)

    op.create_table(
        "agency_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("demand_ids", sa.JSON(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_agency_follow_ups_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_agency_follow_ups_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_agency_follow_ups_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_follow_ups")),
    )
    with op.batch_alter_table("agency_follow_ups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agency_follow_ups_agency_sent", ["agency_id", "sent_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agency_follow_ups_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "target_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "email", "postal", "portal", "fax", name="channelkind", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=1000), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "unverified",
                "verified",
                "bouncing",
                name="channelstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("verified_at", campaign.db.UTCDateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_how", sa.Text(), nullable=False),
        sa.Column("bouncing_since", campaign.db.UTCDateTime(), nullable=True),
        sa.Column("bounce_diagnostic", sa.Text(), nullable=False),
        sa.Column("created_at", campaign.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_target_channels_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_target_channels_verified_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_channels")),
        sa.UniqueConstraint(
            "target_id", "kind", "address", name=op.f("uq_target_channels_target_id_kind_address")
        ),
    )
    with op.batch_alter_table("target_channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_channels_email"), ["email"], unique=False)

    op.create_table(
        "letter_targets",
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_targets_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_letter_targets_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("letter_id", "target_id", name=op.f("pk_letter_targets")),
    )
    with op.batch_alter_table("letter_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_targets_target_id"), ["target_id"], unique=False
        )

    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_unit", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("clock_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("paused_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("pause_reason", sa.Text(), server_default="", nullable=False))

    with op.batch_alter_table("letter_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("receipt_kind", sa.String(length=10), nullable=True))

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "state",
                sa.Enum(
                    "queued",
                    "deferred",
                    "accepted",
                    "bounced",
                    name="receiptstate",
                    native_enum=False,
                    length=12,
                ),
                server_default="queued",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("accepted_at", campaign.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("smtp_reply", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attempt_log", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("bounced_at", campaign.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("bounce_diagnostic", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attachment_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("letter_delivery_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("demand_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agency_follow_up_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sent_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_agency_follow_up_id"),
            ["agency_follow_up_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_channel_id"), ["channel_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_demand_id"), ["demand_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_letter_delivery_id"),
            ["letter_delivery_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_target_id"), ["target_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_target_id_targets"),
            "targets",
            ["target_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_channel_id_target_channels"),
            "target_channels",
            ["channel_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_agency_follow_up_id_agency_follow_ups"),
            "agency_follow_ups",
            ["agency_follow_up_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_demand_id_demands"),
            "demands",
            ["demand_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_letter_delivery_id_letter_deliveries"),
            "letter_deliveries",
            ["letter_delivery_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_sent_by_id_users"),
            "users",
            ["sent_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # mail delivered before receipts existed was accepted by the server
    op.execute(
        "UPDATE outbox_messages SET state = 'accepted', accepted_at = sent_at WHERE sent_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_sent_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_letter_delivery_id_letter_deliveries"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_demand_id_demands"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_agency_follow_up_id_agency_follow_ups"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_channel_id_target_channels"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_target_id_targets"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_messages_target_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_letter_delivery_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_demand_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_channel_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_agency_follow_up_id"))
        batch_op.drop_column("sent_by_id")
        batch_op.drop_column("channel_id")
        batch_op.drop_column("target_id")
        batch_op.drop_column("agency_follow_up_id")
        batch_op.drop_column("demand_id")
        batch_op.drop_column("letter_delivery_id")
        batch_op.drop_column("campaign_id")
        batch_op.drop_column("attachment_name")
        batch_op.drop_column("attachment_sha256")
        batch_op.drop_column("bounce_diagnostic")
        batch_op.drop_column("bounced_at")
        batch_op.drop_column("attempt_log")
        batch_op.drop_column("smtp_reply")
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("state")

    with op.batch_alter_table("letter_deliveries", schema=None) as batch_op:
        batch_op.drop_column("receipt_kind")
        batch_op.drop_column("receipt_sha256")

    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_column("pause_reason")
        batch_op.drop_column("paused_on")
        batch_op.drop_column("clock_days")
        batch_op.drop_column("clock_unit")

    with op.batch_alter_table("letter_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_targets_target_id"))

    op.drop_table("letter_targets")
    with op.batch_alter_table("target_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_channels_email"))

    op.drop_table("target_channels")
    with op.batch_alter_table("agency_follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_follow_ups_campaign_id"))
        batch_op.drop_index("ix_agency_follow_ups_agency_sent")

    op.drop_table("agency_follow_ups")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index("ix_targets_body_name")
        batch_op.drop_index(batch_op.f("ix_targets_agency_id"))

    op.drop_table("targets")
    op.drop_table("target_sets")
