"""What ingestion works with and leaves behind: its context, each message's outcome and
the record of it (``InboundMessage``), and the raw .eml kept in the upload store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from campaign.auth.models import User
from campaign.inbound.classify import MailKind
from campaign.inbound.models import InboundMessage
from campaign.inbound.parse import Limits, Mail
from campaign.responses.models import Response
from campaign.uploads.store import UploadStore


@dataclass
class Outcome:
    """What became of one message: its kind, a report line, the record."""

    kind: MailKind
    line: str
    record: InboundMessage | None = None
    response: Response | None = None
    duplicate: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    """Where ingestion happens: the store, the limits, the clock, who brought the mail."""

    store: UploadStore
    limits: Limits
    now: datetime
    today: date
    source: str
    actor: User | None = None


def keep_raw(ctx: Context, raw: bytes) -> bool:
    """Keep the raw message in the upload store (as an .eml); True."""
    ctx.store.keep(raw, "eml")
    return True


def add_record(
    session: Session, ctx: Context, digest: str, size: int, mail: Mail | None,
    kind: MailKind, *, stored: bool = False, detail: str = "",
) -> InboundMessage:  # fmt: skip
    """Add the record of one message (``mail`` None: it could not be read)."""
    record = InboundMessage(
        received_at=ctx.now,
        source=ctx.source[:300],
        sha256=digest,
        size=size,
        stored=stored,
        kind=kind,
        detail=detail,
        uploaded_by_id=ctx.actor.id if ctx.actor else None,
    )
    if mail is not None:
        record.message_id = (mail.message_id or "")[:300] or None
        record.from_addr = mail.from_addr
        record.from_name = mail.from_name
        record.subject = mail.subject
        record.sent_at = mail.date
        if mail.notes:
            record.detail = " ".join([detail, *mail.notes]).strip()
    session.add(record)
    session.flush()
    return record
