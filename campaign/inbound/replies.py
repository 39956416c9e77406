"""A person's mail: a pending response when it answers one of our receipts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.clock import local_date
from campaign.core.errors import DomainError
from campaign.demands.models import Demand
from campaign.inbound import matching
from campaign.inbound.classify import MailKind
from campaign.inbound.models import FLAG_UNKNOWN_SENDER, InboundMessage
from campaign.inbound.parse import Mail
from campaign.inbound.quotes import summary_of
from campaign.inbound.records import Context, Outcome, add_record, keep_raw
from campaign.letters.models import Letter
from campaign.responses.models import Response, ResponseAttachment, ResponseChannel
from campaign.responses.services import ResponseFields, log_emailed_response
from campaign.uploads.attachments import add_attachment_row, clean_filename

FULL_TEXT_MAX = 200_000


def reply(
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
        record = add_record(session, ctx, digest, len(raw), mail, MailKind.REFUSED, detail=reason)
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
        record = add_record(session, ctx, digest, len(raw), mail, MailKind.UNMATCHED,
                         stored=keep_raw(ctx, raw), detail=reason)  # fmt: skip
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
        or (letter is not None and matching.addressed(session, channel.target, letter))
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
    record = add_record(session, ctx, digest, len(raw), mail, MailKind.REPLY, stored=True)
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
