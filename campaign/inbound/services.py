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

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.errors import DomainError
from campaign.demands.models import Demand
from campaign.inbound import matching
from campaign.inbound.classify import Classified, MailKind, classify
from campaign.inbound.models import InboundMessage
from campaign.inbound.parse import Refused, parse
from campaign.inbound.records import Context, Outcome, add_record, keep_raw
from campaign.inbound.replies import reply
from campaign.letters.models import Letter
from campaign.mail.receipts import mark_bounced

__all__ = ["Context", "Outcome", "ingest", "record_failure"]


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
        record = add_record(session, ctx, digest, len(raw), None, MailKind.REFUSED, detail=str(err))
        return Outcome(MailKind.REFUSED, f"refused: {err}", record)
    classified = classify(mail)
    if upload and classified.kind != MailKind.REPLY:
        raise DomainError(
            f"This email is {_a(classified.kind)}, not an answer someone wrote: it is not "
            "logged as a response.",
            field="eml",
        )
    if classified.kind == MailKind.REPLY:
        return reply(session, ctx, raw, digest, mail, letter=letter, demand=demand)
    record = add_record(
        session, ctx, digest, len(raw), mail, classified.kind, stored=keep_raw(ctx, raw)
    )
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


def record_failure(session: Session, ctx: Context, raw: bytes, error: Exception) -> Outcome:
    """A message that broke the ingestion itself (a bug, not the mail's fault): recorded as
    refused with the error, so that the next run does not try it again forever."""
    digest = hashlib.sha256(raw).hexdigest()
    reason = f"It could not be processed ({type(error).__name__}: {error})"[:2000]
    record = add_record(session, ctx, digest, len(raw), None, MailKind.REFUSED, detail=reason)
    return Outcome(MailKind.REFUSED, f"refused: {reason}", record)
