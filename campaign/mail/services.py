"""Putting mail in the outbox."""

from __future__ import annotations

from email.utils import make_msgid

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import Session

from campaign.mail.models import OutboxMessage


def enqueue(
    session: Session,
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    kind: str = "general",
) -> OutboxMessage:
    """Add a message to the outbox; it goes out only if the caller's transaction commits."""
    message = OutboxMessage(**_row(to, subject, body_text, body_html, kind))
    session.add(message)
    return message


def insert(
    session: Session,
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    kind: str = "general",
) -> None:
    """``enqueue`` as one INSERT, without an ORM object (for busy paths like signing)."""
    session.execute(sa.insert(OutboxMessage).values(_row(to, subject, body_text, body_html, kind)))


def _row(to: str, subject: str, body_text: str, body_html: str | None, kind: str) -> dict:
    return {
        "to_addr": to.strip(),
        "subject": subject.replace("\r", " ").replace("\n", " ")[:300],
        "body_text": body_text,
        "body_html": body_html,
        "kind": kind,
        "message_id": make_msgid(domain="campaign.local"),
    }


def enqueue_template(
    session: Session, *, to: str, subject: str, template: str, kind: str, **context: object
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` (and ``.html`` if asked) into the outbox."""
    body = render_template(f"email/{template}.txt", **context)
    return enqueue(session, to=to, subject=subject, body_text=body, kind=kind)
