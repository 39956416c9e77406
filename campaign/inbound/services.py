"""Ingesting one email: record it, and act on what it is.

- A bounce matched to its receipt (by the original's Message-ID) marks the receipt
  bounced with the diagnostic, and its channel bouncing (``receipts.mark_bounced``).
  Delays and other delivery reports are recorded only.
- An auto-reply is recorded against its receipt; it never counts as a response.
- A reply matched by In-Reply-To/References to a receipt becomes a pending response on
  the letter or demand the receipt delivered, prefilled from the mail, its .eml and
  attachments kept (checked like any upload). From an address that is no channel of
  the target: still pending, flagged. Referencing receipts of another campaign than the
  one it is filed under (or of several campaigns): refused, as a forgery.
- Anything else is recorded as unmatched; what breaks a limit, as refused.

Uploads (a member's .eml on a demand or letter page) go through the same path with
the letter or demand given: anything but a reply is a ``DomainError`` on the form, and
nothing is stored. Like every service here: add and flush, never commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.auth.models import User
from campaign.core.clock import local_date
from campaign.core.errors import DomainError
from campaign.demands.models import Demand
from campaign.inbound import matching
from campaign.inbound.classify import Classified, MailKind, classify
from campaign.inbound.models import FLAG_UNKNOWN_SENDER, InboundMessage
from campaign.inbound.parse import Limits, Mail, Refused, parse
from campaign.inbound.quotes import summary_of
from campaign.letters.models import Letter
from campaign.mail.receipts import mark_bounced
from campaign.responses.models import Response, ResponseAttachment, ResponseChannel
from campaign.responses.services import ResponseFields, log_emailed_response
from campaign.uploads.attachments import add_attachment_row, clean_filename
from campaign.uploads.store import UploadStore

FULL_TEXT_MAX = 200_000


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


def ingest(
    session: Session, raw: bytes, ctx: Context, *, letter: Letter | None = None,
    demand: Demand | None = None,
) -> Outcome:  # fmt: skip
    """Read one raw email and act on it (see the module's docstring)."""
    upload = letter is not None or demand is not None
    digest = hashlib.sha256(raw).hexdigest()
    if not upload:
        seen = session.scalar(
            sa.select(InboundMessage).where(InboundMessage.sha256 == digest).limit(1)
        )
        if seen is not None:
            return Outcome(seen.kind, f"already read (#{seen.id}, {seen.kind.label})", seen,
                           duplicate=True)  # fmt: skip
    try:
        mail = parse(raw, ctx.limits)
    except Refused as err:
        if upload:
            raise DomainError(str(err), field="eml")
        record = _record(session, ctx, digest, len(raw), None, MailKind.REFUSED, detail=str(err))
        return Outcome(MailKind.REFUSED, f"refused: {err}", record)
    classified = classify(mail)
    if upload and classified.kind != MailKind.REPLY:
        raise DomainError(
            f"This email is {_a(classified.kind)}, not an answer someone wrote: it is not "
            "logged as a response.",
            field="eml",
        )
    if classified.kind == MailKind.REPLY:
        return _reply(session, ctx, raw, digest, mail, letter=letter, demand=demand)
    record = _record(session, ctx, digest, len(raw), mail, classified.kind, stored=_keep(ctx, raw))
    if classified.bounce is not None:
        return _report(session, ctx, record, classified)
    # an auto-reply: recorded against the receipt it answers, never a response
    receipts = matching.receipts_for(session, mail.references)
    record.detail = classified.auto_reason
    if receipts:
        record.outbox_message_id = receipts[0].id
        record.campaign_id = matching.delivered(session, receipts[0]).campaign_id
    session.flush()
    to = f" to receipt #{receipts[0].id}" if receipts else ""
    return Outcome(MailKind.AUTO_REPLY, f"auto-reply{to} ({classified.auto_reason})", record)


def _a(kind: MailKind) -> str:
    return {
        MailKind.BOUNCE: "a bounce",
        MailKind.DELAYED: "a delay notice",
        MailKind.REPORT: "a delivery report",
        MailKind.AUTO_REPLY: "an automatic reply (out of office or the like)",
    }.get(kind, kind.label.lower())


def _keep(ctx: Context, raw: bytes) -> bool:
    ctx.store.keep(raw, "eml")
    return True


def _record(
    session: Session, ctx: Context, digest: str, size: int, mail: Mail | None,
    kind: MailKind, *, stored: bool = False, detail: str = "",
) -> InboundMessage:  # fmt: skip
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


def _report(
    session: Session, ctx: Context, record: InboundMessage, classified: Classified
) -> Outcome:
    """A bounce, a delay or another delivery report: matched to its receipt."""
    bounce = classified.bounce
    assert bounce is not None
    record.recipient = bounce.recipient
    record.status_code = bounce.status[:20]
    record.diagnostic = bounce.diagnostic
    receipts = matching.receipts_for(session, bounce.original_ids)
    if not receipts:
        record.detail = "No receipt has the Message-ID of the returned message."
        session.flush()
        return Outcome(record.kind, f"{record.kind.label.lower()}, no matching receipt", record)
    receipt = receipts[0]
    record.outbox_message_id = receipt.id
    record.campaign_id = matching.delivered(session, receipt).campaign_id
    words = " ".join(p for p in (bounce.status, bounce.diagnostic) if p)
    if classified.kind == MailKind.BOUNCE:
        diagnostic = words or "Bounced"
        mark_bounced(session, receipt, diagnostic, ctx.now)
        line = f"bounce: receipt #{receipt.id} to {receipt.to_addr} marked bounced ({diagnostic})"
    elif classified.kind == MailKind.DELAYED:
        line = f"delayed: receipt #{receipt.id} to {receipt.to_addr}, still retried ({words})"
    else:
        line = f"delivery report ({bounce.action}) for receipt #{receipt.id}"
    session.flush()
    return Outcome(classified.kind, line[:500], record)


def _reply(
    session: Session, ctx: Context, raw: bytes, digest: str, mail: Mail, *,
    letter: Letter | None, demand: Demand | None,
) -> Outcome:  # fmt: skip
    """A person's mail: a pending response when it answers one of our receipts."""
    upload = letter is not None or demand is not None
    earlier = _earlier_response(session, mail)
    if earlier is not None:
        if upload:
            raise DomainError(f"This email is already response #{earlier.response_id}.",
                              field="eml")  # fmt: skip
        return Outcome(MailKind.REPLY, f"already response #{earlier.response_id}", earlier,
                       duplicate=True)  # fmt: skip
    receipts = matching.receipts_for(session, mail.references)
    found = [matching.delivered(session, r) for r in receipts]
    campaigns = {d.campaign_id for d in found if d.campaign_id is not None}
    filed = letter or demand
    if filed is not None and campaigns - {filed.campaign_id}:
        raise DomainError(
            "This email answers a message sent for another campaign: it cannot be filed here.",
            field="eml",
        )
    if len(campaigns) > 1:
        reason = "It answers messages of several campaigns (a forged In-Reply-To or References)."
        record = _record(session, ctx, digest, len(raw), mail, MailKind.REFUSED, detail=reason)
        return Outcome(MailKind.REFUSED, f"refused: {reason}", record)
    first = found[0] if found else None
    if filed is None and first is not None:
        letter, demand = first.letter, first.demand
    if letter is None and demand is None:
        reason = (
            "No receipt matches its In-Reply-To or References."
            if first is None
            else "It answers a message that delivered no letter or demand."
        )
        record = _record(session, ctx, digest, len(raw), mail, MailKind.UNMATCHED,
                         stored=_keep(ctx, raw), detail=reason)  # fmt: skip
        if first is not None:
            record.outbox_message_id, record.campaign_id = first.receipt.id, first.campaign_id
        return Outcome(MailKind.UNMATCHED, f"unmatched: {reason}", record)
    return _respond(session, ctx, raw, digest, mail, first, letter=letter, demand=demand)


def _earlier_response(session: Session, mail: Mail) -> InboundMessage | None:
    """The same mail (by Message-ID) already turned into a response."""
    if not mail.message_id:
        return None
    return session.scalar(
        sa.select(InboundMessage)
        .where(
            InboundMessage.message_id == mail.message_id,
            InboundMessage.response_id.is_not(None),
        )
        .limit(1)
    )


def _respond(
    session: Session, ctx: Context, raw: bytes, digest: str, mail: Mail,
    first: matching.Delivered | None, *, letter: Letter | None, demand: Demand | None,
) -> Outcome:  # fmt: skip
    target = first.target if first else None
    channel = matching.sender_channel(session, mail.from_addr)
    known = channel is not None and (
        target is None
        or channel.target_id == target.id
        or (demand is not None and matching.belongs_to(channel.target, demand))
    )
    if known:
        target = channel.target
    who = matching.attribute(session, target, known=known, name=mail.from_name,
                             address=mail.from_addr)  # fmt: skip
    fields = ResponseFields(
        received_on=min(local_date(mail.date), ctx.today) if mail.date else ctx.today,
        channel=ResponseChannel.EMAIL,
        summary=summary_of(mail.subject, mail.text),
        from_name=who.from_name,
        from_title=who.from_title,
        full_text=_full_text(mail),
        agency=who.agency,
        source=who.source,
        source_body=who.source_body,
    )
    response = log_emailed_response(
        session, letter=letter, demand=demand, fields=fields, actor=ctx.actor,
        today=ctx.today, via="upload" if ctx.actor else "email",
    )  # fmt: skip
    notes = _attach(session, ctx, response, raw, mail)
    record = _record(session, ctx, digest, len(raw), mail, MailKind.REPLY, stored=True)
    record.response_id = response.id
    record.campaign_id = response.campaign_id
    record.outbox_message_id = first.receipt.id if first else None
    record.flag = "" if known else FLAG_UNKNOWN_SENDER
    record.detail = " ".join([record.detail, first.note if first else "", *notes]).strip()
    session.flush()
    on = f"demand #{demand.id}" if demand else f"letter #{letter.id}"
    flag = " [sender not a known channel]" if record.flag else ""
    line = f"reply: pending response #{response.id} on {on} from {mail.from_addr}{flag}"
    return Outcome(MailKind.REPLY, line, record, response=response, notes=notes)


def _full_text(mail: Mail) -> str:
    sender = f"{mail.from_name} <{mail.from_addr}>" if mail.from_name else mail.from_addr
    head = [f"From: {sender}"]
    if mail.date:
        head.append(f"Date: {mail.date.isoformat(' ')}")
    head.append(f"Subject: {mail.subject}")
    return ("\n".join(head) + "\n\n" + mail.text)[:FULL_TEXT_MAX]


def _attach(
    session: Session, ctx: Context, response: Response, raw: bytes, mail: Mail
) -> list[str]:
    """Keep the .eml and the mail's files on the response; what the upload rules refuse
    is named in the returned notes instead."""
    stored = ctx.store.keep(raw, "eml")
    name = clean_filename(mail.subject, default="email")[:190] + ".eml"
    session.add(
        ResponseAttachment(
            response_id=response.id, sha256=stored.sha256, kind="eml", size=stored.size,
            original_name=name, added_by_id=ctx.actor.id if ctx.actor else None,
        )
    )  # fmt: skip
    session.flush()
    notes = []
    for item in mail.attachments:
        try:
            add_attachment_row(
                session, ResponseAttachment, owner={"response_id": response.id},
                store=ctx.store, data=item.data, filename=item.filename,
                actor_id=ctx.actor.id if ctx.actor else None,
                duplicate="the same file is attached already",
            )  # fmt: skip
        except DomainError as err:
            notes.append(f"Attachment “{clean_filename(item.filename)}” not kept: {err.message}")
    return notes


def record_failure(session: Session, ctx: Context, raw: bytes, error: Exception) -> Outcome:
    """A message that broke the ingestion itself (a bug, not the mail's fault): recorded as
    refused with the error, so that the next run does not try it again forever."""
    digest = hashlib.sha256(raw).hexdigest()
    reason = f"It could not be processed ({type(error).__name__}: {error})"[:2000]
    record = _record(session, ctx, digest, len(raw), None, MailKind.REFUSED, detail=reason)
    return Outcome(MailKind.REFUSED, f"refused: {reason}", record)
