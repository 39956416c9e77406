"""Demo demands and evidence for the "end-287g" campaign (idempotent).

The ICE importer's demo step normally creates the agencies first; they are looked
up by state + normalised name and created here only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency, AgencyType
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.names import org_key
from campaign.demands.bulk import fill_template
from campaign.demands.evidence import link_evidence
from campaign.demands.models import Demand, DemandStatus, Priority
from campaign.demands.services import DEFAULT_ASK, DemandFields, create_demand, transition_demand
from campaign.evidence.models import EvidenceRecord, EvidenceType
from campaign.evidence.services import add_attachment, create_evidence
from campaign.uploads.store import UploadStore

SAMPLE_PDF = Path(__file__).resolve().parent.parent / (
    "demo_data/ice-287g/agreements/ArcadiaPDFL_TFM_MOA_030425.pdf"
)
DEMO_NOTE = "DEMO DATA: an illustrative record, not a real document or finding."


@dataclass
class DemoAgency:
    name: str
    state: str
    county: str | None
    type: AgencyType


AGENCIES = {
    "arcadia": DemoAgency("Arcadia Police Department", "FL", None, AgencyType.MUNICIPAL),
    "collier": DemoAgency(
        "Collier County Sheriff's Office", "FL", "Collier County", AgencyType.COUNTY
    ),
    "galveston": DemoAgency(
        "Galveston County Sheriff's Office", "TX", "Galveston County", AgencyType.COUNTY
    ),
    "tarrant": DemoAgency(
        "Tarrant County Sheriff's Office", "TX", "Tarrant County", AgencyType.COUNTY
    ),
    "alamance": DemoAgency(
        "Alamance County Sheriff's Office", "NC", "Alamance County", AgencyType.COUNTY
    ),
}

# (agency, type, title, citation) — every citation is marked as a demo.
EVIDENCE = [
    (
        "arcadia",
        EvidenceType.PUBLIC_RECORDS,
        "Signed 287(g) Task Force Model agreement, Arcadia Police Department",
        "ICE, Memorandum of Agreement, Arcadia Police Department (FL), signed March 5, 2025 "
        "(sample document shipped with the demo).",
    ),
    (
        "arcadia",
        EvidenceType.NEWS_REPORT,
        "[Demo] Local paper reports traffic stops of farmworkers referred to ICE",
        "Demo Gazette, “Stops on State Road 70” (demo citation).",
    ),
    (
        "collier",
        EvidenceType.DATA_ANALYSIS,
        "[Demo] Analysis of jail bookings flagged under 287(g), by ethnicity",
        "Demo Research Collective, booking data 2023–2025 (demo citation).",
    ),
    (
        "galveston",
        EvidenceType.LAWSUIT,
        "[Demo] Class action alleging detention past release dates",
        "Doe v. Demo County, No. 0:00-cv-00000 (S.D. Tex.) (demo citation).",
    ),
    (
        "tarrant",
        EvidenceType.DEATH_IN_CUSTODY,
        "[Demo] Death in custody at the county jail under review",
        "Demo State Commission on Jail Standards, report no. 0000 (demo citation).",
    ),
]

# (agency, status path after draft, due in days from today, priority)
DEMANDS = [
    ("arcadia", [DemandStatus.SENT, DemandStatus.AWAITING_RESPONSE], -21, Priority.HIGH),
    ("collier", [DemandStatus.SENT], 30, Priority.NORMAL),
    ("galveston", [], 45, Priority.NORMAL),
    ("tarrant", [DemandStatus.SENT, DemandStatus.MEETING_SCHEDULED], 14, Priority.HIGH),
    ("alamance", [], None, Priority.LOW),
]

REASONS = {
    DemandStatus.SENT: "Delivered with the coalition letter (demo).",
    DemandStatus.AWAITING_RESPONSE: "The agency's office confirmed receipt by phone (demo).",
    DemandStatus.MEETING_SCHEDULED: "The sheriff agreed to meet coalition members (demo).",
}


def _agency(session: Session, key: str) -> Agency:
    spec = AGENCIES[key]
    agency = session.scalar(
        sa.select(Agency).where(Agency.state == spec.state, Agency.key == org_key(spec.name))
    )
    if agency is None:
        agency = Agency(
            name=spec.name,
            key=org_key(spec.name),
            state=spec.state,
            county=spec.county,
            type=spec.type,
        )
        session.add(agency)
        session.flush()
    return agency


def _evidence(
    session: Session, store: UploadStore, member: User, today: date
) -> dict[str, list[EvidenceRecord]]:
    by_agency: dict[str, list[EvidenceRecord]] = {}
    for n, (key, type_, title, citation) in enumerate(EVIDENCE):
        agency = _agency(session, key)
        record = session.scalar(
            sa.select(EvidenceRecord).where(
                EvidenceRecord.title == title, EvidenceRecord.deleted_at.is_(None)
            )
        )
        if record is None:
            record = create_evidence(
                session,
                type=type_,
                title=title,
                # the sample agreement was signed on March 5, 2025
                event_on=date(2025, 3, 5) if n == 0 else today - timedelta(days=200 + 30 * n),
                source_url="https://www.ice.gov/identify-and-arrest/287g"
                if n == 0
                else f"https://example.org/demo/evidence-{n}",
                citation=citation,
                summary=DEMO_NOTE
                if n
                else "The agreement that deputizes the department's officers for "
                "immigration enforcement (a real ICE document, attached).",
                agency=agency,
                actor=member,
            )
            if n == 0 and SAMPLE_PDF.exists():
                add_attachment(
                    session,
                    record,
                    store=store,
                    data=SAMPLE_PDF.read_bytes(),
                    filename=SAMPLE_PDF.name,
                    actor=member,
                )
        by_agency.setdefault(key, []).append(record)
    return by_agency


def load_demands_demo(
    session: Session, *, actor: User, member: User | None, upload_dir: Path
) -> None:
    """Agencies (if missing), evidence, and a handful of demands in the "end-287g" campaign."""
    campaign = session.scalar(sa.select(Campaign).where(Campaign.slug == "end-287g"))
    if campaign is None:
        return
    today = date.today()
    member = member or actor
    evidence = _evidence(session, UploadStore(upload_dir), member, today)
    for key, path, due_in, priority in DEMANDS:
        agency = _agency(session, key)
        exists = session.scalar(
            sa.select(Demand.id).where(
                Demand.campaign_id == campaign.id, Demand.agency_id == agency.id
            )
        )
        if exists is not None:
            continue
        demand = create_demand(
            session,
            campaign,
            agency,
            DemandFields(
                title=f"Terminate the 287(g) agreement of {agency.name}",
                addressed_to="Secretary of Homeland Security",
                ask=fill_template(DEFAULT_ASK, agency),
                rationale=(
                    f"{agency.name} has used its 287(g) authority in ways that undermine "
                    "community trust.[^1]\n\n[^1]: Demo rationale: see the linked evidence."
                ),
                priority=priority,
                due_on=today + timedelta(days=due_in) if due_in is not None else None,
            ),
            actor=actor,
        )
        for record in evidence.get(key, []):
            link_evidence(
                session,
                demand,
                record,
                note="Documents the agency's 287(g) practice (demo note).",
                actor=member,
            )
        for status in path:
            transition_demand(session, demand, status, reason=REASONS[status], actor=actor)
    session.flush()
