"""Evidence rules: records, attachments, soft delete, word search (links to demands are
made by ``campaign.demands.evidence``)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.core.errors import DomainError, NotFound
from campaign.core.names import org_key
from campaign.core.states import STATES
from campaign.db import utcnow
from campaign.evidence.models import NATIONAL, EvidenceAttachment, EvidenceRecord, EvidenceType
from campaign.uploads.attachments import (
    ATTACHMENT_KINDS,
    MAX_ATTACHMENT_BYTES,
    add_attachment_row,
    clean_filename,
)
from campaign.uploads.store import UploadStore

# Re-exported: the rules live in campaign.uploads.attachments (responses share them).
__all__ = ["ATTACHMENT_KINDS", "MAX_ATTACHMENT_BYTES", "clean_filename"]


def check_source_url(url: str | None) -> str | None:
    """An http(s) address with a host, or None when empty; anything else is refused."""
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DomainError("The source must be an http:// or https:// address.", field="source_url")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise DomainError("The source address cannot contain spaces.", field="source_url")
    return url


def find_agency(session: Session, state: str | None, name: str | None) -> Agency | None:
    """The agency with this name (ignoring case and punctuation) in this state, or None."""
    if not state or not name or not name.strip():
        return None
    return session.scalar(
        sa.select(Agency).where(Agency.state == state.upper(), Agency.key == org_key(name))
    )


def check_state(state: str | None, agency: Agency | None) -> str | None:
    """The record's state: the agency's when there is one; else a known state code or
    national; else none."""
    if agency is not None:
        return agency.state
    state = (state or "").strip()
    if not state:
        return None
    if state.lower() == NATIONAL:
        return NATIONAL
    if state.upper() not in STATES:
        raise DomainError("Choose a state, or national.", field="agency_state")
    return state.upper()


def _provenance(retrieved_on: date | None, pin_cite: str | None) -> tuple[date | None, str]:
    if retrieved_on is not None and retrieved_on > date.today():
        raise DomainError("The retrieval date cannot be in the future.", field="retrieved_on")
    return retrieved_on, " ".join((pin_cite or "").split())[:200]


def _check_fields(title: str, event_on: date | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("A title is needed.", field="title")
    if event_on is not None and event_on > date.today():
        raise DomainError("The event date cannot be in the future.", field="event_on")
    return title


def create_evidence(
    session: Session,
    *,
    type: EvidenceType,
    title: str,
    actor: User,
    event_on: date | None = None,
    source_url: str | None = None,
    citation: str = "",
    summary: str = "",
    agency: Agency | None = None,
    state: str | None = None,
    retrieved_on: date | None = None,
    pin_cite: str = "",
) -> EvidenceRecord:
    """Add an evidence record (any member may)."""
    retrieved_on, pin_cite = _provenance(retrieved_on, pin_cite)
    record = EvidenceRecord(
        type=EvidenceType(type),
        title=_check_fields(title, event_on),
        event_on=event_on,
        source_url=check_source_url(source_url),
        retrieved_on=retrieved_on,
        pin_cite=pin_cite,
        state=check_state(state, agency),
        citation=(citation or "").strip(),
        summary=(summary or "").strip(),
        agency_id=agency.id if agency else None,
        added_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    audit(session, actor, "evidence.create", "evidence", record.id, title=record.title)
    return record


def update_evidence(
    session: Session,
    record: EvidenceRecord,
    *,
    type: EvidenceType,
    title: str,
    actor: User,
    event_on: date | None = None,
    source_url: str | None = None,
    citation: str = "",
    summary: str = "",
    agency: Agency | None = None,
    state: str | None = None,
    retrieved_on: date | None = None,
    pin_cite: str = "",
) -> EvidenceRecord:
    """Edit a record (coordinators); the audit event lists the fields that changed."""
    _live(record)
    retrieved_on, pin_cite = _provenance(retrieved_on, pin_cite)
    new = {
        "type": EvidenceType(type),
        "title": _check_fields(title, event_on),
        "event_on": event_on,
        "source_url": check_source_url(source_url),
        "retrieved_on": retrieved_on,
        "pin_cite": pin_cite,
        "state": check_state(state, agency),
        "citation": (citation or "").strip(),
        "summary": (summary or "").strip(),
        "agency_id": agency.id if agency else None,
    }
    changed = [name for name, value in new.items() if getattr(record, name) != value]
    if changed:
        for name in changed:
            setattr(record, name, new[name])
        record.updated_at = utcnow()
        session.flush()
        audit(session, actor, "evidence.update", "evidence", record.id, fields=changed)
    return record


def delete_evidence(session: Session, record: EvidenceRecord, *, actor: User) -> None:
    """Soft-delete a record (coordinators): hidden everywhere, kept for the audit trail."""
    _live(record)
    record.deleted_at = utcnow()
    session.flush()
    audit(session, actor, "evidence.delete", "evidence", record.id, title=record.title)


def add_attachment(
    session: Session,
    record: EvidenceRecord,
    *,
    store: UploadStore,
    data: bytes,
    filename: str | None,
    actor: User,
) -> EvidenceAttachment:
    """Check a file by its content (PDF, PNG, JPEG, ≤ 20 MB), store it, attach it."""
    _live(record)
    attachment = add_attachment_row(
        session, EvidenceAttachment, owner={"record_id": record.id}, store=store, data=data,
        filename=filename, actor_id=actor.id,
        duplicate="This file is already attached to the record.",
    )  # fmt: skip
    audit(
        session,
        actor,
        "evidence.attach",
        "evidence",
        record.id,
        attachment=attachment.id,
        sha256=attachment.sha256,
        name=attachment.original_name,
    )
    return attachment


def _live(record: EvidenceRecord) -> None:
    if record.deleted_at is not None:
        raise NotFound("This evidence record was deleted.")


def resolve_agency(session: Session, state: str | None, name: str | None) -> Agency | None:
    """The agency a form names by state + name; None when no name; an error when unknown."""
    if not (name or "").strip():
        return None
    if not state or state == NATIONAL:
        raise DomainError("Choose the agency's state.", field="agency_state")
    agency = find_agency(session, state, name)
    if agency is None:
        raise DomainError(
            f"No agency called “{name.strip()}” in {state.upper()}: check the spelling.",
            field="agency_name",
        )
    return agency


def cite(record: EvidenceRecord, sha256s: list[str] | None = None) -> str:
    """How the record is cited: title, citation, pin cite, source and the day it was
    retrieved, and the sha256 of each stored copy (a reader can check the copy is the one)."""
    parts = [record.title]
    if record.citation:
        parts.append(" ".join(record.citation.split()))
    if record.pin_cite:
        parts.append(record.pin_cite)
    if record.source_url:
        retrieved = f" (retrieved {record.retrieved_on.isoformat()})" if record.retrieved_on else ""
        parts.append(f"{record.source_url}{retrieved}")
    # each part's own closing punctuation goes: "… (M.D. Fla. 2024)., p. 3" reads badly
    text = ", ".join(p.rstrip(" .;,") for p in parts if p.rstrip(" .;,")) + "."
    for sha in sha256s or []:
        text += f" Stored copy sha256 {sha}."
    return text
