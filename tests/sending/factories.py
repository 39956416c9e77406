"""A demand ready to be sent: an agency with an agreement, evidence, a sheriff to email."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from campaign.agencies.models import Agreement, AgreementModel, AgreementStatus, ImportSnapshot
from campaign.auth.models import Role
from campaign.demands.evidence import link_evidence
from campaign.demands.models import Demand, DemandStatus
from campaign.evidence.models import EvidenceType
from campaign.evidence.services import create_evidence
from campaign.targets.models import ChannelStatus, TargetBody
from tests.demands.factories import create_actor, create_agency, create_demand_row
from tests.targets.factories import create_target


def ready_demand(
    session: Session,
    *,
    name: str = "Galveston County Sheriff's Office",
    state: str = "TX",
    campaign=None,
    email: str | None = "sheriff@galveston.example.org",
    status: DemandStatus = DemandStatus.DRAFT,
) -> Demand:
    """A draft demand with a WSO agreement (first and last listed), one linked evidence
    record, and the sheriff as a target with an email channel."""
    agency = create_agency(session, name=name, state=state, county=f"{name.split()[0]} County")
    first = ImportSnapshot(
        file_name="a.xlsx",
        sha256="a" * 64,
        list_type="participating",
        as_of_on=date(2025, 2, 20),
        as_of_source="workbook",
    )
    last = ImportSnapshot(
        file_name="b.xlsx",
        sha256="b" * 64,
        list_type="participating",
        as_of_on=date(2026, 5, 18),
        as_of_source="workbook",
    )
    session.add_all([first, last])
    session.flush()
    session.add(
        Agreement(
            agency_id=agency.id,
            model=AgreementModel.WSO,
            status=AgreementStatus.PARTICIPATING,
            signed_on=date(2025, 2, 12),
            first_snapshot_id=first.id,
            last_snapshot_id=last.id,
        )
    )
    actor = create_actor(session, Role.COORDINATOR)
    demand = create_demand_row(
        session,
        agency=agency,
        campaign=campaign,
        actor=actor,
        title=f"Terminate the 287(g) agreement of {name}",
    )
    record = create_evidence(
        session,
        type=EvidenceType.NEWS_REPORT,
        title=f"Traffic stops in {name}",
        actor=actor,
        event_on=date(2025, 6, 1),
        source_url="https://news.example.org/stops",
        citation="Gulf Coast Ledger, June 1, 2025",
        agency=agency,
    )
    link_evidence(session, demand, record, note="Shows racial profiling at stops.", actor=actor)
    demand.status = status
    if email:
        create_target(
            session,
            name=f"Sheriff of {name}",
            body=TargetBody.SHERIFF,
            agency=agency,
            emails=(email,),
            status=ChannelStatus.VERIFIED,
        )
    session.commit()
    return demand
