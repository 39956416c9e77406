"""Outbox messages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.enums import str_enum
from campaign.db import Base, utcnow


class ReceiptState(enum.StrEnum):
    """Where one message to one recipient stands: queued → (deferred →) accepted | bounced."""

    QUEUED = "queued"
    DEFERRED = "deferred"
    ACCEPTED = "accepted"
    BOUNCED = "bounced"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OutboxMessage(Base):
    """An email waiting to be delivered (or done with: ``sent_at`` is set), and, for mail
    that delivers something (a letter, a demand packet, a follow-up), the recipient's
    receipt: the server's exact reply, every deferral, the attachment's sha256, bounces."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # the display name in From (the address is CAMPAIGN_MAIL_FROM's) and the Reply-To:
    # the coalition the mail speaks for; None: MAIL_FROM as it is, no Reply-To
    from_name: Mapped[str | None] = mapped_column(sa.String(200))
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(60), default="general")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # left the outbox: accepted by the server, or refused for good (``state`` says which)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    # the receipt (campaign.mail.receipts)
    state: Mapped[ReceiptState] = mapped_column(
        str_enum(ReceiptState, 12), default=ReceiptState.QUEUED, server_default="queued"
    )
    accepted_at: Mapped[datetime | None]
    # the server's exact final reply, e.g. "250 2.0.0 Ok: queued as 4B1C…"
    smtp_reply: Mapped[str | None] = mapped_column(sa.Text)
    # every failed attempt: [{"at": iso, "reply": "451 4.7.1 try later", "temporary": true}]
    attempt_log: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    bounced_at: Mapped[datetime | None]
    bounce_diagnostic: Mapped[str | None] = mapped_column(sa.Text)
    # the attached file, in the upload store by its sha256 (the frozen PDF itself)
    attachment_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))
    # what the message delivered, to whom, for whom
    campaign_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    letter_delivery_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("letter_deliveries.id", ondelete="SET NULL"), index=True
    )
    demand_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("demands.id", ondelete="SET NULL"), index=True
    )
    agency_follow_up_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency_follow_ups.id", ondelete="SET NULL"), index=True
    )
    target_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("targets.id", ondelete="SET NULL"), index=True
    )
    channel_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("target_channels.id", ondelete="SET NULL"), index=True
    )
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def retried(self) -> bool:
        """Deferred at least once before its final state."""
        return bool(self.attempt_log)
