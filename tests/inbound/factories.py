"""Receipts to answer: outbox rows that delivered a demand or a letter to a target."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.clock import local_today
from campaign.db import utcnow
from campaign.delivery.models import DeliveryKind, DeliveryMethod, LetterDelivery
from campaign.demands.models import Demand
from campaign.inbound.parse import Limits
from campaign.inbound.services import Context
from campaign.letters.models import Letter, LetterVersion
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.targets.models import Target, TargetChannel
from campaign.uploads.store import UploadStore


def letter_delivery(session: Session, letter: Letter) -> LetterDelivery:
    """The letter's frozen delivery (what a receipt of the letter points to), made once."""
    existing = session.scalar(
        sa.select(LetterDelivery).where(
            LetterDelivery.letter_id == letter.id, LetterDelivery.sequence == 0
        )
    )
    if existing is not None:
        return existing
    version = session.scalar(
        sa.select(LetterVersion).where(LetterVersion.letter_id == letter.id).limit(1)
    )
    delivery = LetterDelivery(
        letter_id=letter.id, sequence=0, kind=DeliveryKind.LETTER, sent_on=date.today(),
        recipients="DHS", method=DeliveryMethod.EMAIL, version_id=version.id,
        version_number=version.number, signatory_count=0, snapshot_json="{}",
        pdf_sha256="0" * 64, pdf_size=0,
    )  # fmt: skip
    session.add(delivery)
    session.flush()
    return delivery


def receipt(
    session: Session,
    *,
    to: str,
    demand: Demand | None = None,
    letter: Letter | None = None,
    target: Target | None = None,
) -> OutboxMessage:
    """A message to ``to`` that delivered ``demand`` or ``letter`` to ``target``."""
    row = enqueue(session, to=to, subject="Our demand", body_text="Please end it.", kind="send")
    row.campaign_id = (demand or letter).campaign_id
    row.demand_id = demand.id if demand else None
    if letter is not None:
        row.letter_delivery_id = letter_delivery(session, letter).id
    if target is not None:
        row.target_id = target.id
        row.channel_id = session.scalar(
            sa.select(TargetChannel.id).where(
                TargetChannel.target_id == target.id, TargetChannel.email == to.lower()
            )
        )
    session.commit()
    return row


def context(tmp_path, *, actor=None, source: str = "test") -> Context:
    """Ingestion into a store under ``tmp_path`` with the default limits."""
    return Context(
        store=UploadStore(tmp_path / "uploads"), limits=Limits(), now=utcnow(),
        today=local_today("America/New_York"), source=source, actor=actor,
    )  # fmt: skip
