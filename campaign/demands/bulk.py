"""Bulk creation: one demand per agency from a template with {placeholders}."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.agencies.standing import standings
from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.core.states import state_name
from campaign.demands.models import (
    OPEN_STATUSES,
    Demand,
    DemandEventKind,
    DemandStatus,
)
from campaign.demands.services import (
    PLACEHOLDERS,
    DemandFields,
    add_event,
    check_letter,
    flag_if_gone,
    transition_demand,
)


def template_fields(text: str, field_name: str) -> None:
    """Refuse a template that uses anything but the known ``{placeholders}``."""
    try:
        parsed = list(string.Formatter().parse(text or ""))
    except ValueError:
        raise DomainError(
            "Unbalanced braces: write {{ and }} for a literal brace.", field=field_name
        )
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise DomainError(f"Unknown placeholder {{{name}}}: use {known}.", field=field_name)


def fill_template(text: str, agency: Agency) -> str:
    """``text`` with {agency}, {state}, {state_code} and {county} filled in for ``agency``."""
    values = {
        "agency": agency.name,
        "state": state_name(agency.state) or agency.state,
        "state_code": agency.state,
        "county": agency.county or "",
    }
    return (text or "").format_map(values)


@dataclass
class BulkResult:
    """What a bulk creation did."""

    created: list[Demand] = field(default_factory=list)
    skipped: list[Agency] = field(default_factory=list)
    # created flagged "confirm termination": ICE no longer lists the agency's agreement
    flagged: int = 0


def open_demand_agency_ids(session: Session, campaign: Campaign, agency_ids: list[int]) -> set[int]:
    """Which of these agencies already have an open demand in the campaign."""
    if not agency_ids:
        return set()
    rows = session.scalars(
        sa.select(Demand.agency_id).where(
            Demand.campaign_id == campaign.id,
            Demand.agency_id.in_(agency_ids),
            Demand.status.in_(OPEN_STATUSES),
        )
    )
    return set(rows)


def bulk_create_demands(
    session: Session,
    campaign: Campaign,
    agencies: list[Agency],
    template: DemandFields,
    *,
    actor: User,
) -> BulkResult:
    """One draft demand per agency from a template, skipping agencies already pressed.

    Agencies with an open demand in this campaign are skipped (and reported). The
    caller commits once, so either every demand is created or none is.
    """
    for name in ("title", "addressed_to", "ask", "rationale"):
        template_fields(getattr(template, name), name)
    if not agencies:
        raise DomainError("Select at least one agency.")
    check_letter(session, campaign.id, template.letter_id)
    busy = open_demand_agency_ids(session, campaign, [a.id for a in agencies])
    result = BulkResult()
    seen: set[int] = set()
    for agency in agencies:
        if agency.id in busy or agency.id in seen:
            if agency.id in busy:
                result.skipped.append(agency)
            continue
        seen.add(agency.id)
        filled = DemandFields(
            title=fill_template(template.title, agency),
            addressed_to=fill_template(template.addressed_to, agency),
            ask=fill_template(template.ask, agency),
            rationale=fill_template(template.rationale, agency),
            priority=template.priority,
            due_on=template.due_on,
            letter_id=template.letter_id,
        ).checked()
        result.created.append(
            Demand(
                campaign_id=campaign.id,
                agency_id=agency.id,
                title=filled.title,
                addressed_to=filled.addressed_to,
                ask=filled.ask,
                rationale=filled.rationale,
                priority=filled.priority,
                due_on=filled.due_on,
                letter_id=filled.letter_id,
                status=DemandStatus.DRAFT,
                created_by_id=actor.id,
            )
        )
    session.add_all(result.created)
    session.flush()
    for demand in result.created:
        add_event(
            session,
            demand,
            actor,
            DemandEventKind.CREATED,
            "Created in bulk from a template.",
            to_status=DemandStatus.DRAFT,
        )
    session.flush()
    result.flagged = flag_if_gone(
        session, result.created, standings(session, [d.agency_id for d in result.created])
    )
    audit(
        session,
        actor,
        "demand.bulk_create",
        "campaign",
        campaign.id,
        created=len(result.created),
        skipped=len(result.skipped),
        demands=[d.id for d in result.created],
        title=template.title,
    )
    return result


@dataclass
class BulkMove:
    """What a bulk move did: the demands moved, and each refusal with its reason."""

    moved: list[Demand] = field(default_factory=list)
    refused: list[tuple[Demand, str]] = field(default_factory=list)


def bulk_transition(
    session: Session, demands: list[Demand], to: DemandStatus, *, reason: str, actor: User,
    happened_on: date | None, today: date,
) -> BulkMove:  # fmt: skip
    """Move each demand as ``transition_demand`` would, one by one: a demand the rules
    refuse (no evidence, a move not allowed, a date before its history) is listed with the
    reason and left as it was; the others move."""
    if not (reason or "").strip():
        raise DomainError("Give a reason for the change.", field="reason")
    if not demands:
        raise DomainError("No demand matches these filters.")
    result = BulkMove()
    for demand in demands:
        try:
            # every check runs before anything changes, so a refusal leaves no trace
            transition_demand(
                session, demand, to, reason=reason, actor=actor, happened_on=happened_on,
                today=today,
            )  # fmt: skip
        except DomainError as err:
            result.refused.append((demand, err.message))
        else:
            result.moved.append(demand)
    audit(
        session, actor, "demand.bulk_transition", "campaign", demands[0].campaign_id,
        to=DemandStatus(to).value, moved=[d.id for d in result.moved],
        refused={str(d.id): message for d, message in result.refused}, reason=reason,
    )  # fmt: skip
    return result
