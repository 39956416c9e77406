"""Every message ``ingest-mail`` (or a member's .eml upload) read, with what became of it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.enums import str_enum
from campaign.db import Base, utcnow
from campaign.inbound.classify import MailKind

# the reply came from an address that is no channel of the target it answers for
FLAG_UNKNOWN_SENDER = "sender_not_known_channel"
FLAG_LABELS = {FLAG_UNKNOWN_SENDER: "Sender not a known channel"}


class InboundMessage(Base):
    """One ingested email: where it came from, what it was, what it matched and changed."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        sa.Index("ix_inbound_messages_campaign_received", "campaign_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "ingest-mail <path>", "loop <Maildir>", "upload"
    source: Mapped[str] = mapped_column(sa.String(300))
    # the raw message's hash: the same file read twice is recognised (and, when kept,
    # its name in the upload store as an .eml)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    stored: Mapped[bool] = mapped_column(default=False)
    message_id: Mapped[str | None] = mapped_column(sa.String(300), index=True)
    from_addr: Mapped[str] = mapped_column(sa.String(254), default="")
    from_name: Mapped[str] = mapped_column(sa.String(200), default="")
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    # the Date header (None when absent or unreadable)
    sent_at: Mapped[datetime | None]
    kind: Mapped[MailKind] = mapped_column(str_enum(MailKind, 12))
    # the receipt (outbox row) a bounce or a reply was matched to
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    # the pending response a reply became
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    # bounces and delays: the failing recipient, the status code (5.1.1) and the
    # server's words
    recipient: Mapped[str] = mapped_column(sa.String(254), default="")
    status_code: Mapped[str] = mapped_column(sa.String(20), default="")
    diagnostic: Mapped[str] = mapped_column(sa.Text, default="")
    flag: Mapped[str] = mapped_column(sa.String(40), default="")
    # why it was refused or left unmatched, what was skipped (files, parts)
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    @property
    def flag_label(self) -> str:
        return FLAG_LABELS.get(self.flag, self.flag)
