"""Sending the letter by email: frozen as delivered, then one message per recipient with
the frozen PDF attached, each with its receipt."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.coalition import coalition_of
from campaign.core.errors import DomainError
from campaign.delivery.models import DeliveryMethod, LetterDelivery
from campaign.delivery.services import SENDABLE, DeliveryDetails, deliveries, mark_as_sent
from campaign.letters.models import Letter, LetterStatus
from campaign.mail.models import OutboxMessage
from campaign.sending.models import LetterTarget
from campaign.sending.recipients import Recipients, enqueue_to, recipients_of
from campaign.targets.models import Target
from campaign.uploads.store import UploadStore


def letter_targets(session: Session, letter: Letter) -> list[int]:
    """The ids of the targets the letter is addressed to."""
    query = sa.select(LetterTarget.target_id).where(LetterTarget.letter_id == letter.id)
    return list(session.scalars(query))


def addressed_targets(session: Session, letter: Letter) -> list[Target]:
    """The targets the letter is addressed to, by name (one query, for the letter page)."""
    query = (
        sa.select(Target)
        .join(LetterTarget, LetterTarget.target_id == Target.id)
        .where(LetterTarget.letter_id == letter.id)
        .order_by(Target.name, Target.id)
    )
    return list(session.scalars(query))


def _address_to(session: Session, letter: Letter, targets: list[Target]) -> None:
    have = set(letter_targets(session, letter))
    for target in targets:
        if target.id not in have:
            session.add(LetterTarget(letter_id=letter.id, target_id=target.id))


def default_cover(session: Session, letter: Letter, delivery: LetterDelivery | None) -> str:
    """The cover text: who writes, what is attached, where to answer."""
    coalition = coalition_of(session, letter.campaign_id)
    count = f"{delivery.signatory_count:,} organizations" if delivery else "organizations"
    text = (
        f"{letter.addressees.strip() or 'Dear decision-maker'},\n\n"
        f"Please find attached “{letter.title}”, a letter signed by {count} of "
        f"{coalition.name}.\n\n"
    )
    if coalition.contact_email:
        text += f"Please reply to this email or write to {coalition.contact_email}.\n\n"
    return text + f"{letter.sender.strip() or coalition.name}\n"


def _delivery_to_send(session: Session, letter: Letter, delivery_id: int | None):
    sent = deliveries(session, letter)
    if delivery_id is None:
        return sent[0] if sent else None
    for delivery in sent:
        if delivery.id == delivery_id:
            return delivery
    raise DomainError("Choose one of this letter's deliveries.", field="delivery_id")


def send_letter_by_email(
    session: Session,
    letter: Letter,
    targets: list[Target],
    *,
    subject: str,
    cover: str,
    sent_on: date,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
    delivery_id: int | None = None,
    keep_collecting: bool = True,
) -> tuple[LetterDelivery, list[OutboxMessage], Recipients]:
    """Email the letter to these targets: a letter not sent yet is marked as sent (frozen,
    method email); a sent one goes out as delivered (the letter or an addendum). One
    outbox row per recipient, the frozen PDF attached."""
    subject = " ".join((subject or "").split())
    if not subject:
        raise DomainError("Give the email a subject.", field="subject")
    if not (cover or "").strip():
        raise DomainError("Write the message that goes with the letter.", field="cover")
    if not targets:
        raise DomainError("Choose at least one target.", field="targets")
    recipients = recipients_of(targets)
    if not recipients.pairs:
        raise DomainError("None of these targets has a working email address.", field="targets")
    if letter.status == LetterStatus.SENT:
        delivery = _delivery_to_send(session, letter, delivery_id)
    elif letter.status in SENDABLE:
        names = "\n".join(t.display for t in targets)
        delivery = mark_as_sent(
            session, letter,
            DeliveryDetails(sent_on=sent_on, recipients=names, method=DeliveryMethod.EMAIL,
                            note=f"Emailed to {len(recipients.pairs)} address(es)."),
            static_dir=static_dir, store=store, actor=actor, keep_collecting=keep_collecting,
        )  # fmt: skip
    else:
        raise DomainError("Only an open, closed or sent letter can be emailed.")
    if delivery is None:
        raise DomainError("This letter has no delivery to send.")
    _address_to(session, letter, targets)
    suffix = f"-addendum-{delivery.sequence}" if delivery.sequence else ""
    rows = enqueue_to(
        session, recipients, campaign_id=letter.campaign_id, subject=subject,
        body_text=cover.strip() + "\n", kind="letter", attachment_sha256=delivery.pdf_sha256,
        attachment_name=f"{letter.slug}{suffix}.pdf", actor_id=actor.id,
        letter_delivery_id=delivery.id,
    )  # fmt: skip
    record(session, actor, "letter.email", "letter", letter.id, delivery=delivery.id,
           recipients=len(rows), targets=[t.id for t in targets])  # fmt: skip
    return delivery, rows, recipients


def letter_receipts(letter: Letter) -> dict[int, list[OutboxMessage]]:
    """For the Print & send page (a template global): each delivery's receipts."""
    from campaign import db

    session = db.session
    rows = session.scalars(
        sa.select(OutboxMessage)
        .join(LetterDelivery, LetterDelivery.id == OutboxMessage.letter_delivery_id)
        .where(LetterDelivery.letter_id == letter.id)
        .order_by(OutboxMessage.id)
    )
    out: dict[int, list[OutboxMessage]] = {}
    for row in rows:
        out.setdefault(row.letter_delivery_id, []).append(row)
    return out
