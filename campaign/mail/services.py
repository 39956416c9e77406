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
    from_name: str | None = None,
    reply_to: str | None = None,
    attachment_sha256: str | None = None,
    attachment_name: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; it goes out only if the caller's transaction commits.

    ``from_name``: the display name before CAMPAIGN_MAIL_FROM's address (the coalition's);
    ``reply_to``: where answers go (the coalition's contact); ``attachment_sha256``: a PDF
    in the upload store, attached by the worker under ``attachment_name``.
    """
    message = OutboxMessage(
        **row(
            to=to,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            kind=kind,
            from_name=from_name,
            reply_to=reply_to,
        ),
        attachment_sha256=attachment_sha256,
        attachment_name=_one_line(attachment_name)[:200] or None,
    )
    session.add(message)
    return message


def row(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    kind: str = "general",
    from_name: str | None = None,
    reply_to: str | None = None,
) -> dict:
    """The columns of an outbox row (the table's defaults fill the rest)."""
    return {
        "from_name": _one_line(from_name)[:200] or None,
        "reply_to": _one_line(reply_to)[:254] or None,
        "to_addr": to.strip(),
        "subject": subject.replace("\r", " ").replace("\n", " ")[:300],
        "body_text": body_text,
        "body_html": body_html,
        "kind": kind,
        "message_id": make_msgid(domain="campaign.local"),
    }


def _one_line(value: str | None) -> str:
    # a header value: a line break in it would start a header of the sender's choosing
    return " ".join((value or "").split())


def insert(
    session: Session,
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    kind: str = "general",
    from_name: str | None = None,
    reply_to: str | None = None,
) -> None:
    """``enqueue`` as one INSERT, without an ORM object (for busy paths like signing)."""
    values = row(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind=kind,
        from_name=from_name,
        reply_to=reply_to,
    )
    session.connection().execute(_INSERT, values)


def render_email(template: str, **context: object) -> str:
    """The text of ``templates/email/<template>.txt``.

    Rendered from the Jinja environment alone: an email is about its own context, not
    the request's, so the page context processors (the logged-in user, the menu) stay out.
    """
    return current_app.jinja_env.get_template(f"email/{template}.txt").render(context)


def enqueue_template(
    session: Session,
    *,
    to: str,
    subject: str,
    template: str,
    kind: str,
    from_name: str | None = None,
    reply_to: str | None = None,
    **context: object,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` into the outbox."""
    body = render_email(template, **context)
    return enqueue(
        session,
        to=to,
        subject=subject,
        body_text=body,
        kind=kind,
        from_name=from_name,
        reply_to=reply_to,
    )
