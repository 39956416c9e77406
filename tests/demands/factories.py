"""Factories for agencies, demands and evidence (they commit, like tests/factories.py)."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.orm import Session

from campaign.agencies.models import Agency, AgencyType
from campaign.auth.models import Role, User
from campaign.campaigns.models import Campaign
from campaign.core.names import org_key
from campaign.demands.evidence import link_evidence
from campaign.demands.models import Demand, DemandStatus, Priority
from campaign.demands.services import DemandFields, create_demand
from campaign.evidence.models import EvidenceRecord, EvidenceType
from campaign.evidence.services import create_evidence
from tests import factories

_seq = itertools.count(1)


def create_agency(
    session: Session,
    *,
    name: str | None = None,
    state: str = "FL",
    county: str | None = "Desoto",
    type: AgencyType = AgencyType.MUNICIPAL,
) -> Agency:
    """An agency made directly (the importer that normally makes them lives elsewhere)."""
    name = name or f"Test Police Department {next(_seq)}"
    agency = Agency(name=name, key=org_key(name), state=state, county=county, type=type)
    session.add(agency)
    session.commit()
    return agency


def create_actor(session: Session, role: Role = Role.COORDINATOR) -> User:
    """A user for service tests, made without hashing a password (it cannot log in)."""
    n = next(_seq)
    user = User(email=f"actor{n}@example.org", name=f"Actor {n}", role=role, password_hash="!")
    session.add(user)
    session.commit()
    return user


def _actor(session: Session, actor: User | None, role: Role = Role.COORDINATOR) -> User:
    return actor or create_actor(session, role)


def create_evidence_record(
    session: Session,
    *,
    title: str | None = None,
    summary: str = "",
    citation: str = "",
    agency: Agency | None = None,
    type: EvidenceType = EvidenceType.NEWS_REPORT,
    actor: User | None = None,
    event_on: date | None = None,
) -> EvidenceRecord:
    """An evidence record added by a member."""
    record = create_evidence(
        session,
        type=type,
        title=title or f"Report {next(_seq)}",
        summary=summary,
        citation=citation,
        agency=agency,
        event_on=event_on,
        actor=_actor(session, actor, Role.MEMBER),
    )
    session.commit()
    return record


def create_demand_row(
    session: Session,
    *,
    campaign: Campaign | None = None,
    agency: Agency | None = None,
    status: DemandStatus = DemandStatus.DRAFT,
    due_on: date | None = None,
    priority: Priority = Priority.NORMAL,
    title: str | None = None,
    with_evidence: bool = False,
    actor: User | None = None,
) -> Demand:
    """A demand; ``status`` is set directly (transitions are tested on their own)."""
    actor = _actor(session, actor)
    campaign = campaign or factories.create_campaign(session, actor=actor)
    agency = agency or create_agency(session)
    demand = create_demand(
        session,
        campaign,
        agency,
        DemandFields(
            title=title or f"Terminate {agency.name}",
            addressed_to="Secretary of Homeland Security",
            due_on=due_on,
            priority=priority,
        ),
        actor=actor,
    )
    if with_evidence:
        record = create_evidence_record(session, agency=agency, actor=actor)
        link_evidence(session, demand, record, note="Shows the pattern.", actor=actor)
    demand.status = status
    session.commit()
    return demand
