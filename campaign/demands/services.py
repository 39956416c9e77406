"""Demand rules: creation (one or many), editing, the status lifecycle, delisting flags.

The lifecycle (DESIGN.md): draft → sent → acknowledged → awaiting_response →
meeting_scheduled → partially_met | met | denied | renewed | withdrawn.

Allowed transitions (``TRANSITIONS``), and why:

- ``draft`` → ``sent`` (needs at least one live evidence record) or ``withdrawn``.
- ``sent``, ``acknowledged``, ``awaiting_response``, ``meeting_scheduled`` (delivered and
  open) move between each other in the natural direction — sent → acknowledged →
  awaiting_response ⇄ meeting_scheduled, with sent/acknowledged able to skip ahead —
  and to any outcome: ``partially_met``, ``met`` (the agreement was terminated),
  ``denied``, ``renewed`` (the agency renewed its agreement instead) or ``withdrawn``.
  Nothing goes back to ``draft`` or ``sent``: what was delivered stays delivered.
- ``withdrawn`` is reachable from every open state (draft included).
- ``partially_met``, ``denied`` and ``renewed`` can be reopened to ``awaiting_response``
  (the coalition presses again); ``partially_met`` can still become ``met``, and a
  ``partially_met`` agency can still ``renewed`` its agreement.
- ``met`` and ``withdrawn`` are final.

Every change needs a reason; it is written to the audit log and to the demand's
timeline (``DemandEvent``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.core.states import state_name
from campaign.db import utcnow
from campaign.demands.models import (
    AWAITING_STATUSES,
    OPEN_STATUSES,
    Demand,
    DemandEvent,
    DemandEventKind,
    DemandStatus,
    Priority,
)
from campaign.evidence.services import live_evidence_count

S = DemandStatus
_DELIVERED_OPEN = (S.SENT, S.ACKNOWLEDGED, S.AWAITING_RESPONSE, S.MEETING_SCHEDULED)
_OUTCOMES = (S.PARTIALLY_MET, S.MET, S.DENIED, S.RENEWED, S.WITHDRAWN)

TRANSITIONS: dict[DemandStatus, frozenset[DemandStatus]] = {
    S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.ACKNOWLEDGED, S.AWAITING_RESPONSE, S.MEETING_SCHEDULED, *_OUTCOMES}),
    S.ACKNOWLEDGED: frozenset({S.AWAITING_RESPONSE, S.MEETING_SCHEDULED, *_OUTCOMES}),
    S.AWAITING_RESPONSE: frozenset({S.MEETING_SCHEDULED, *_OUTCOMES}),
    S.MEETING_SCHEDULED: frozenset({S.AWAITING_RESPONSE, *_OUTCOMES}),
    S.PARTIALLY_MET: frozenset({S.MET, S.RENEWED, S.AWAITING_RESPONSE}),
    S.DENIED: frozenset({S.AWAITING_RESPONSE}),
    S.RENEWED: frozenset({S.AWAITING_RESPONSE}),
    S.MET: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Buttons on the demand page follow the lifecycle's order.
STATUS_ORDER = list(DemandStatus)

DEFAULT_ASK = (
    "Terminate the 287(g) agreement between {agency} and U.S. Immigration and Customs Enforcement."
)
ADDRESSEE_SUGGESTIONS = [
    "Secretary of Homeland Security",
    "Director of U.S. Immigration and Customs Enforcement",
    "The Sheriff, {agency}",
    "Chief of Police, {agency}",
    "County Board of Commissioners",
    "City Council",
    "Governor of {state}",
]
PLACEHOLDERS = {
    "agency": "the agency's name",
    "state": "the state's name, e.g. Florida",
    "state_code": "the two-letter state code, e.g. FL",
    "county": "the county (empty when unknown)",
}


def allowed_transitions(status: DemandStatus) -> list[DemandStatus]:
    """Where a demand in ``status`` may go next, in lifecycle order."""
    targets = TRANSITIONS[status]
    return [s for s in STATUS_ORDER if s in targets]


def _event(
    session: Session, demand: Demand, actor: User | None, kind: DemandEventKind, note: str = "",
    from_status: DemandStatus | None = None, to_status: DemandStatus | None = None,
) -> DemandEvent:  # fmt: skip
    event = DemandEvent(
        demand_id=demand.id,
        user_id=actor.id if actor else None,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )
    session.add(event)
    return event


def _clean_text(value: str | None, field_name: str, label: str, max_len: int) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DomainError(f"{label} is needed.", field=field_name)
    if len(text) > max_len:
        raise DomainError(f"{label} is longer than {max_len} characters.", field=field_name)
    return text


@dataclass
class DemandFields:
    """The editable text of a demand (or of a bulk template, with placeholders)."""

    title: str
    addressed_to: str
    ask: str = DEFAULT_ASK
    rationale: str = ""
    priority: Priority = Priority.NORMAL
    due_on: date | None = None
    letter_id: int | None = None

    def checked(self) -> DemandFields:
        """The same fields, trimmed and validated."""
        ask = (self.ask or "").strip()
        if not ask:
            raise DomainError("The ask is needed.", field="ask")
        return DemandFields(
            title=_clean_text(self.title, "title", "A title", 300),
            addressed_to=_clean_text(self.addressed_to, "addressed_to", "The addressee", 200),
            ask=ask,
            rationale=(self.rationale or "").strip(),
            priority=Priority(self.priority),
            due_on=self.due_on,
            letter_id=self.letter_id,
        )


def create_demand(
    session: Session, campaign: Campaign, agency: Agency, fields: DemandFields, *, actor: User
) -> Demand:
    """Create a draft demand on one agency."""
    f = fields.checked()
    demand = Demand(
        campaign_id=campaign.id,
        agency_id=agency.id,
        title=f.title,
        addressed_to=f.addressed_to,
        ask=f.ask,
        rationale=f.rationale,
        priority=f.priority,
        due_on=f.due_on,
        letter_id=f.letter_id,
        status=DemandStatus.DRAFT,
        created_by_id=actor.id,
    )
    session.add(demand)
    session.flush()
    _event(session, demand, actor, DemandEventKind.CREATED, to_status=DemandStatus.DRAFT)
    audit(
        session,
        actor,
        "demand.create",
        "demand",
        demand.id,
        campaign=campaign.id,
        agency=agency.id,
        title=demand.title,
    )
    return demand


def update_demand(session: Session, demand: Demand, fields: DemandFields, *, actor: User) -> Demand:
    """Edit a demand's text, priority and due date (the status moves only by transitions)."""
    f = fields.checked()
    new = {
        "title": f.title,
        "addressed_to": f.addressed_to,
        "ask": f.ask,
        "rationale": f.rationale,
        "priority": f.priority,
        "due_on": f.due_on,
        "letter_id": f.letter_id,
    }
    changed = [name for name, value in new.items() if getattr(demand, name) != value]
    if changed:
        for name in changed:
            setattr(demand, name, new[name])
        demand.updated_at = utcnow()
        _event(session, demand, actor, DemandEventKind.EDITED, note=", ".join(changed))
        session.flush()
        audit(session, actor, "demand.update", "demand", demand.id, fields=changed)
    return demand


def transition_demand(
    session: Session, demand: Demand, to: DemandStatus, *, reason: str, actor: User
) -> Demand:
    """Move a demand along the lifecycle (``TRANSITIONS``), recording who, when and why."""
    to = DemandStatus(to)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason for the change.", field="reason")
    current = demand.status
    if to not in TRANSITIONS[current]:
        raise DomainError(f"A demand cannot go from “{current.label}” to “{to.label}”.")
    leaving_draft = current == DemandStatus.DRAFT and to != DemandStatus.WITHDRAWN
    if leaving_draft and live_evidence_count(session, demand) == 0:
        raise DomainError(
            "Link at least one evidence record before sending the demand.", field="reason"
        )
    demand.status = to
    demand.status_changed_at = utcnow()
    if not to.is_open:
        # an outcome settles the "confirm termination" question either way
        demand.delisted_flag = False
    _event(
        session, demand, actor, DemandEventKind.STATUS, reason, from_status=current, to_status=to
    )
    session.flush()
    audit(
        session,
        actor,
        "demand.transition",
        "demand",
        demand.id,
        **{"from": current.value, "to": to.value, "reason": reason},
    )
    return demand


# --- bulk creation ------------------------------------------------------------------------


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
        _event(
            session,
            demand,
            actor,
            DemandEventKind.CREATED,
            "Created in bulk from a template.",
            to_status=DemandStatus.DRAFT,
        )
    session.flush()
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


# --- overdue and delisting ----------------------------------------------------------------


def overdue_condition(today: date) -> sa.ColumnElement[bool]:
    """SQL for "awaiting an answer past its due date" (see ``Demand.is_overdue``)."""
    return sa.and_(
        Demand.status.in_(AWAITING_STATUSES), Demand.due_on.is_not(None), Demand.due_on < today
    )


def overdue_demands(
    session: Session, today: date, campaign: Campaign | None = None
) -> list[Demand]:
    """Demands awaiting an answer past their due date, oldest due date first."""
    query = sa.select(Demand).where(overdue_condition(today))
    if campaign is not None:
        query = query.where(Demand.campaign_id == campaign.id)
    return list(session.scalars(query.order_by(Demand.due_on, Demand.id)))


def flag_delisted_agencies(
    session: Session, agency_ids: list[int] | set[int], snapshot_id: int | None
) -> list[Demand]:
    """Flag the delivered, open demands on agencies whose agreement ICE no longer lists.

    Called by the ICE importer. Drafts are not flagged (nothing was delivered, so
    "met" would claim too much); demands already flagged keep their first flag.
    """
    ids = list(agency_ids)
    if not ids:
        return []
    demands = list(
        session.scalars(
            sa.select(Demand).where(
                Demand.agency_id.in_(ids),
                Demand.status.in_(_DELIVERED_OPEN),
                Demand.delisted_flag.is_(False),
            )
        )
    )
    now = utcnow()
    for demand in demands:
        demand.delisted_flag = True
        demand.delisted_flagged_at = now
        demand.delisted_snapshot_id = snapshot_id
        _event(
            session,
            demand,
            None,
            DemandEventKind.FLAGGED,
            "Agreement no longer listed by ICE: confirm termination."
            + (f" (import snapshot #{snapshot_id})" if snapshot_id else ""),
        )
    session.flush()
    for demand in demands:
        audit(session, None, "demand.flag", "demand", demand.id, snapshot=snapshot_id)
    return demands


def _require_flag(demand: Demand, reason: str) -> str:
    if not demand.delisted_flag:
        raise DomainError("This demand is not flagged.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason.", field="reason")
    return reason


def confirm_delisting(session: Session, demand: Demand, *, reason: str, actor: User) -> Demand:
    """A member confirms the agreement ended: the demand is met."""
    reason = _require_flag(demand, reason)
    _event(session, demand, actor, DemandEventKind.FLAG_CONFIRMED, reason)
    audit(session, actor, "demand.flag_confirm", "demand", demand.id, reason=reason)
    return transition_demand(
        session, demand, DemandStatus.MET, reason=f"Termination confirmed: {reason}", actor=actor
    )


def dismiss_delisting(session: Session, demand: Demand, *, reason: str, actor: User) -> Demand:
    """A member finds the agreement still stands (e.g. a listing error): the flag goes."""
    reason = _require_flag(demand, reason)
    demand.delisted_flag = False
    _event(session, demand, actor, DemandEventKind.FLAG_DISMISSED, reason)
    session.flush()
    audit(session, actor, "demand.flag_dismiss", "demand", demand.id, reason=reason)
    return demand


def status_counts(session: Session, campaign: Campaign, today: date) -> dict[str, int]:
    """Demands per status in a campaign, plus ``overdue``, ``flagged`` and ``total``."""
    rows = session.execute(
        sa.select(
            Demand.status,
            sa.func.count(),
            sa.func.sum(sa.case((overdue_condition(today), 1), else_=0)),
            sa.func.sum(sa.case((Demand.delisted_flag.is_(True), 1), else_=0)),
        )
        .where(Demand.campaign_id == campaign.id)
        .group_by(Demand.status)
    ).all()
    counts = {s.value: 0 for s in DemandStatus}
    overdue = flagged = 0
    for status, n, n_overdue, n_flagged in rows:
        counts[DemandStatus(status).value] = n
        overdue += int(n_overdue or 0)
        flagged += int(n_flagged or 0)
    counts.update(total=sum(counts.values()), overdue=overdue, flagged=flagged)
    return counts
