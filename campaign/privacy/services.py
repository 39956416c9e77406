"""Forget a person everywhere the app keeps them.

The directory blanks the contact and the signer fields of their sign-ons (the sign-ons
and every count stay). Here the other copies go too: mail to them (outbox rows, .eml
files), the words of their sign-ons' comments, mail about them (redacted), raw CSV uploads
holding them, their invitations, mail from them or bouncing back from their address that
``ingest-mail`` read (the records and the kept .eml files), and audit details naming
them. Backups made before keep them until they are deleted (README, "Security").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.models import AuditEvent
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.directory.models import Contact, Invitation
from campaign.directory.services import FORGOTTEN_NAME, forget_contact
from campaign.inbound.models import InboundMessage
from campaign.mail.models import OutboxMessage
from campaign.responses.models import ResponseAttachment
from campaign.review.models import CsvUpload
from campaign.search.index import INDEXES, refresh
from campaign.search.match import forget_words
from campaign.search.text import document
from campaign.signons.models import SIGN_ON_SEARCH, SignOn

REDACTED = "(forgotten)"
# Names shorter than this are not searched for inside other people's text: "Al" would
# redact half the outbox.
_MIN_NEEDLE = 4


@dataclass
class ForgetReport:
    """What forgetting removed; ``mail_files`` are deleted by the caller after commit."""

    signons: int = 0
    outbox_deleted: int = 0
    outbox_redacted: int = 0
    uploads_deleted: int = 0
    invitations_deleted: int = 0
    audit_redacted: int = 0
    inbound_deleted: int = 0
    mail_files: list[Path] = field(default_factory=list)


def _needles(session: Session, contact: Contact) -> tuple[str, list[str]]:
    """The person's email and the names they went by (the contact's and their sign-ons')."""
    email = contact.email.strip().lower()
    names = {contact.name.strip()}
    names.update(
        session.scalars(
            sa.select(SignOn.signer_name).where(
                sa.or_(SignOn.contact_id == contact.id, sa.func.lower(SignOn.signer_email) == email)
            )
        )
    )
    names = {n for n in names if len(n) >= _MIN_NEEDLE and n != FORGOTTEN_NAME}
    return email, sorted(names, key=len, reverse=True)


def _pattern(email: str, names: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in [email, *names]), re.IGNORECASE)


def _redact(text: str | None, pattern: re.Pattern[str]) -> str | None:
    return pattern.sub(REDACTED, text) if text else text


def forget_person(
    session: Session, contact: Contact, *, actor: User, mail_dir: Path | None = None,
    upload_dir: Path | None = None,
) -> ForgetReport:  # fmt: skip
    """Forget ``contact`` everywhere; flushes and audits (without naming them), never commits.
    ``mail_dir``, ``upload_dir``: where files naming them are looked for (to delete after
    the commit)."""
    email, names = _needles(session, contact)
    pattern = _pattern(email, names)
    report = ForgetReport()
    signons = session.scalars(
        sa.select(SignOn.id).where(
            sa.or_(SignOn.contact_id == contact.id, sa.func.lower(SignOn.signer_email) == email)
        )
    ).all()
    # every word they may have left in a search index's word list (campaign.search)
    words = set(document(contact.name, email, *names).split())
    for row in session.execute(sa.select(SignOn.comment).where(SignOn.id.in_(signons))):
        words.update(document(row.comment).split())
    if signons:
        # their own words, which may sign off with their name
        session.execute(sa.update(SignOn).where(SignOn.id.in_(signons)).values(comment=""))
        refresh(session, SignOn, SIGN_ON_SEARCH, list(signons))
    report.signons = len(signons)
    forget_contact(session, contact, actor=actor)
    session.flush()
    # ... and those no row holds any more go from the word lists
    forget_words(session, INDEXES.values(), words)

    # Mail to them goes (sent or not: nothing more is to reach them); mail about them to
    # others keeps its place in the outbox with their name and address blanked.
    report.outbox_deleted = (
        session.execute(
            sa.delete(OutboxMessage).where(sa.func.lower(OutboxMessage.to_addr) == email)
        ).rowcount
        or 0
    )
    for message in session.scalars(sa.select(OutboxMessage)):
        fields = (message.subject, message.body_text, message.body_html)
        if any(text and pattern.search(text) for text in fields):
            message.subject = _redact(message.subject, pattern) or ""
            message.body_text = _redact(message.body_text, pattern) or ""
            message.body_html = _redact(message.body_html, pattern)
            report.outbox_redacted += 1

    # A raw CSV waiting to be imported is the person's row as typed: the whole file goes
    # (a coordinator uploads it again if it is still needed).
    for upload in session.scalars(sa.select(CsvUpload)):
        text = upload.data.decode("utf-8", errors="ignore")
        if pattern.search(text) or pattern.search(upload.filename):
            session.delete(upload)
            report.uploads_deleted += 1

    report.invitations_deleted = (
        session.execute(sa.delete(Invitation).where(Invitation.contact_id == contact.id)).rowcount
        or 0
    )

    for event in session.scalars(sa.select(AuditEvent).where(AuditEvent.details.is_not(None))):
        details = event.details
        if details and pattern.search(_as_text(details)):
            event.details = _redact_json(details, pattern)
            report.audit_redacted += 1

    report.inbound_deleted, inbound_files = _forget_inbound(session, email, upload_dir)
    if mail_dir is not None:
        report.mail_files = mail_files_naming(mail_dir, pattern)
    report.mail_files += inbound_files
    session.flush()
    record(
        session,
        actor,
        "contact.erase",
        "contact",
        contact.id,
        outbox_deleted=report.outbox_deleted,
        outbox_redacted=report.outbox_redacted,
        uploads_deleted=report.uploads_deleted,
        invitations_deleted=report.invitations_deleted,
        audit_redacted=report.audit_redacted,
        inbound_deleted=report.inbound_deleted,
        mail_files=len(report.mail_files),
    )
    return report


def _forget_inbound(
    session: Session, email: str, upload_dir: Path | None
) -> tuple[int, list[Path]]:
    """Mail from them (a reply to their confirmation) or bounced from their address: the
    records go, and each kept .eml no response or other record still holds."""
    who = sa.or_(
        sa.func.lower(InboundMessage.from_addr) == email,
        sa.func.lower(InboundMessage.recipient) == email,
    )
    rows = session.scalars(sa.select(InboundMessage).where(who)).all()
    files: list[Path] = []
    for row in rows:
        if row.response_id is not None:
            # a response they sent is the coalition's record: kept, without their address
            row.from_addr, row.from_name = REDACTED, ""
            continue
        session.delete(row)
    session.flush()
    for digest in {r.sha256 for r in rows if r.stored and r.response_id is None}:
        kept = session.scalar(
            sa.select(sa.func.count()).where(InboundMessage.sha256 == digest)
        ) or session.scalar(sa.select(sa.func.count()).where(ResponseAttachment.sha256 == digest))
        if not kept and upload_dir is not None:
            files.append(upload_dir / digest[:2] / digest)
    return sum(1 for r in rows if r.response_id is None), files


def _as_text(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {_as_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_as_text(v) for v in value)
    return str(value)


def _redact_json(value: object, pattern: re.Pattern[str]) -> object:
    if isinstance(value, dict):
        return {k: _redact_json(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v, pattern) for v in value]
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    return value


def mail_files_naming(mail_dir: Path, pattern: re.Pattern[str]) -> list[Path]:
    """The .eml files (a local run's sent mail) whose headers or text name the person."""
    found = []
    if not mail_dir.is_dir():
        return found
    for path in sorted(mail_dir.glob("*.eml")):
        raw = path.read_bytes()
        message = message_from_bytes(raw, policy=default_policy)
        parts = [str(message.get(h, "")) for h in ("To", "Cc", "Subject")]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                try:
                    parts.append(part.get_content())
                except (LookupError, UnicodeDecodeError):
                    parts.append(raw.decode("utf-8", errors="ignore"))
        if pattern.search("\n".join(parts)) or pattern.search(raw.decode("ascii", errors="ignore")):
            found.append(path)
    return found


def delete_files(paths: list[Path]) -> int:
    """Delete files found by ``forget_person`` (after its transaction committed)."""
    deleted = 0
    for path in paths:
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            pass
    return deleted
