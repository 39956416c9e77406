"""Putting mail in the outbox."""

from __future__ import annotations

from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from campaign.mail.models import OutboxMessage

_INSERT = sa.insert(OutboxMessage.__table__)


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
    message = OutboxMessage(
        **row(to=to, subject=subject, body_text=body_text, body_html=body_html, kind=kind)
    )
    session.add(message)
    return message


def row(
    *, to: str, subject: str, body_text: str, body_html: str | None = None, kind: str = "general"
) -> dict:
    """The columns of an outbox row (the table's defaults fill the rest)."""
    return {
        "to_addr": to.strip(),
        "subject": subject.replace("\r", " ").replace("\n", " ")[:300],
        "body_text": body_text,
        "body_html": body_html,
        "kind": kind,
        "message_id": make_msgid(domain="campaign.local"),
    }


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
    values = row(to=to, subject=subject, body_text=body_text, body_html=body_html, kind=kind)
    session.connection().execute(_INSERT, values)


def render_email(template: str, **context: object) -> str:
    """The text of ``templates/email/<template>.txt``.

    Rendered from the Jinja environment alone: an email is about its own context, not
    the request's, so the page context processors (the logged-in user, the menu) stay out.
    """
    return current_app.jinja_env.get_template(f"email/{template}.txt").render(context)


def enqueue_template(
    session: Session, *, to: str, subject: str, template: str, kind: str, **context: object
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` into the outbox."""
    body = render_email(template, **context)
    return enqueue(session, to=to, subject=subject, body_text=body, kind=kind)
