"""Linking evidence records to demands: a demand depends on its evidence, never the
other way round (``campaign.evidence`` knows nothing of demands)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.core.errors import Conflict, DomainError, NotFound
from campaign.demands.models import (
    Demand,
    DemandEvent,
    DemandEventKind,
    DemandEvidence,
    DemandStatus,
)
from campaign.evidence.models import EvidenceRecord


def link_evidence(
    session: Session, demand: Demand, record: EvidenceRecord, *, note: str, actor: User
) -> DemandEvidence:
    """Link a record to a demand with a note on why it supports it (any member)."""
    if record.deleted:
        raise NotFound("This evidence record was deleted.")
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why this record supports the demand.", field="note")
    exists = session.scalar(
        sa.select(DemandEvidence.id).where(
            DemandEvidence.demand_id == demand.id, DemandEvidence.evidence_id == record.id
        )
    )
    if exists is not None:
        raise Conflict("This record is already linked to the demand.", field="note")
    link = DemandEvidence(
        demand_id=demand.id, evidence_id=record.id, note=note, linked_by_id=actor.id
    )
    session.add(link)
    session.add(
        DemandEvent(
            demand_id=demand.id,
            user_id=actor.id,
            kind=DemandEventKind.EVIDENCE_LINKED,
            note=f"Evidence #{record.id} “{record.title}”: {note}",
        )
    )
    session.flush()
    audit(session, actor, "evidence.link", "demand", demand.id, evidence=record.id, note=note)
    return link


def unlink_evidence(
    session: Session, demand: Demand, record: EvidenceRecord, *, actor: User
) -> None:
    """Remove a link; a demand past draft keeps at least one live record."""
    link = session.scalar(
        sa.select(DemandEvidence).where(
            DemandEvidence.demand_id == demand.id, DemandEvidence.evidence_id == record.id
        )
    )
    if link is None:
        raise NotFound("This record is not linked to the demand.")
    if demand.status != DemandStatus.DRAFT and live_evidence_count(session, demand) <= 1:
        raise DomainError(
            "A demand that has been sent keeps at least one evidence record: "
            "link another before removing this one."
        )
    session.delete(link)
    session.add(
        DemandEvent(
            demand_id=demand.id,
            user_id=actor.id,
            kind=DemandEventKind.EVIDENCE_UNLINKED,
            note=f"Evidence #{record.id} “{record.title}”",
        )
    )
    session.flush()
    audit(session, actor, "evidence.unlink", "demand", demand.id, evidence=record.id)


def live_evidence_count(session: Session, demand: Demand) -> int:
    """How many records (not deleted) are linked to a demand."""
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(DemandEvidence)
            .join(EvidenceRecord, EvidenceRecord.id == DemandEvidence.evidence_id)
            .where(DemandEvidence.demand_id == demand.id, EvidenceRecord.deleted_at.is_(None))
        )
        or 0
    )


def link_evidence_to_many(
    session: Session, demands: list[Demand], record: EvidenceRecord, *, note: str, actor: User
) -> tuple[list[Demand], list[Demand]]:
    """Link one record to each demand, each link with the note (``{agency}`` filled in with
    the demand's agency); demands it is already linked to are skipped. Returns (linked,
    skipped)."""
    if record.deleted:
        raise NotFound("This evidence record was deleted.")
    if not (note or "").strip():
        raise DomainError("Say why this record supports the demands.", field="note")
    if not demands:
        raise DomainError("No demand matches these filters.")
    already = set(
        session.scalars(
            sa.select(DemandEvidence.demand_id).where(
                DemandEvidence.evidence_id == record.id,
                DemandEvidence.demand_id.in_([d.id for d in demands]),
            )
        )
    )
    linked, skipped = [], []
    for demand in demands:
        if demand.id in already:
            skipped.append(demand)
            continue
        text = note.replace("{agency}", demand.agency.name)
        link_evidence(session, demand, record, note=text, actor=actor)
        linked.append(demand)
    return linked, skipped
