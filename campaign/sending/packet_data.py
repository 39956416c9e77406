"""What a demand packet prints, as plain values (no ORM objects reach the PDF template)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from campaign.agencies.models import MODEL_LABELS, Agency, Agreement, ImportSnapshot
from campaign.agencies.standing import standings
from campaign.campaigns.coalition import coalition_of
from campaign.delivery.models import LetterDelivery
from campaign.demands.models import Demand, DemandEvidence
from campaign.evidence.models import EvidenceRecord
from campaign.letters.models import Letter
from campaign.printing.snapshot import LetterSnapshot


@dataclass(frozen=True)
class AgreementLine:
    model: str
    status: str
    signed_on: date | None
    first_listed: date | None
    last_listed: date | None
    url: str


@dataclass(frozen=True)
class EvidenceLine:
    number: int
    title: str
    type: str
    event_on: date | None
    citation: str
    pin_cite: str
    source_url: str
    why: str


@dataclass(frozen=True)
class PacketSnapshot:
    """Everything one demand packet prints."""

    coalition: str
    contact: str
    dated_on: date
    reference: str
    addressed_to: str
    agency: str
    place: str
    standing: str
    title: str
    ask: str
    rationale: str
    due_on: date | None
    agreements: tuple[AgreementLine, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()
    letter_title: str = ""
    signatory_count: int | None = None
    signatories: tuple[str, ...] = field(default_factory=tuple)


def reference(demand: Demand) -> str:
    """The demand's reference, as agencies are asked to quote it (e.g. D-2026-0042)."""
    return f"D-{demand.created_at.year}-{demand.id:04d}"


def _agreements(session: Session, agency_id: int) -> tuple[AgreementLine, ...]:
    first, last = aliased(ImportSnapshot), aliased(ImportSnapshot)
    rows = session.execute(
        sa.select(Agreement, first.as_of_on, last.as_of_on)
        .outerjoin(first, first.id == Agreement.first_snapshot_id)
        .outerjoin(last, last.id == Agreement.last_snapshot_id)
        .where(Agreement.agency_id == agency_id)
        .order_by(Agreement.model)
    ).all()
    return tuple(
        AgreementLine(
            model=MODEL_LABELS.get(a.model, str(a.model)) + f" ({a.model.value})",
            status=a.status.label,
            signed_on=a.signed_on,
            first_listed=f,
            last_listed=la,
            url=a.agreement_url or "",
        )
        for a, f, la in rows
    )


def _evidence(session: Session, demand_id: int) -> tuple[EvidenceLine, ...]:
    rows = session.execute(
        sa.select(DemandEvidence.note, EvidenceRecord)
        .join(EvidenceRecord, EvidenceRecord.id == DemandEvidence.evidence_id)
        .where(DemandEvidence.demand_id == demand_id, EvidenceRecord.deleted_at.is_(None))
        .order_by(EvidenceRecord.event_on.is_(None), EvidenceRecord.event_on, EvidenceRecord.id)
    ).all()
    return tuple(
        EvidenceLine(
            number=i,
            title=r.title,
            type=r.type.label,
            event_on=r.event_on,
            citation=r.citation,
            pin_cite=r.pin_cite or "",
            source_url=r.source_url or "",
            why=note or "",
        )
        for i, (note, r) in enumerate(rows, start=1)
    )


def _signatories(session: Session, demand: Demand, named: bool) -> tuple[str, int | None, tuple]:
    """The coalition letter behind the demand (its own, else the campaign's latest sent):
    its title, how many signed it as delivered, and their names when asked for."""
    query = sa.select(LetterDelivery, Letter.title).join(
        Letter, Letter.id == LetterDelivery.letter_id
    )
    if demand.letter_id:
        query = query.where(LetterDelivery.letter_id == demand.letter_id)
    else:
        query = query.where(Letter.campaign_id == demand.campaign_id)
    row = session.execute(
        query.where(LetterDelivery.sequence == 0).order_by(LetterDelivery.sent_on.desc()).limit(1)
    ).first()
    if row is None:
        return "", None, ()
    delivery, title = row
    names: tuple[str, ...] = ()
    if named:
        snapshot = LetterSnapshot.from_json(delivery.snapshot_json)
        names = tuple(s.name for s in snapshot.signatories if s.listed)
    return title, delivery.signatory_count, names


def packet_snapshot(
    session: Session, demand: Demand, *, dated_on: date, list_signatories: bool = False
) -> PacketSnapshot:
    """The packet of ``demand`` as of ``dated_on`` (a handful of queries)."""
    agency = session.get(Agency, demand.agency_id)
    coalition = coalition_of(session, demand.campaign_id)
    standing = standings(session, [agency.id]).get(agency.id)
    letter_title, count, names = _signatories(session, demand, list_signatories)
    return PacketSnapshot(
        coalition=coalition.name, contact=coalition.contact_email, dated_on=dated_on,
        reference=reference(demand), addressed_to=demand.addressed_to, agency=agency.name,
        place=", ".join(p for p in (agency.county, agency.state) if p),
        standing=standing.label if standing else "", title=demand.title, ask=demand.ask,
        rationale=demand.rationale or "", due_on=demand.due_on,
        agreements=_agreements(session, agency.id), evidence=_evidence(session, demand.id),
        letter_title=letter_title, signatory_count=count, signatories=names,
    )  # fmt: skip
