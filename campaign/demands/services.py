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

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.agencies.standing import Standing, standings
from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.demands.evidence import live_evidence_count
from campaign.demands.models import (
    Demand,
    DemandEvent,
    DemandEventKind,
    DemandStatus,
    Priority,
)
from campaign.demands.signals import demand_status_changed

S = DemandStatus
DELIVERED_OPEN = (S.SENT, S.ACKNOWLEDGED, S.AWAITING_RESPONSE, S.MEETING_SCHEDULED)
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


def add_event(
    session: Session, demand: Demand, actor: User | None, kind: DemandEventKind, note: str = "",
    from_status: DemandStatus | None = None, to_status: DemandStatus | None = None,
    happened_on: date | None = None,
) -> DemandEvent:  # fmt: skip
    """Add one row to the demand's timeline."""
    event = DemandEvent(
        demand_id=demand.id,
        user_id=actor.id if actor else None,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
        happened_on=happened_on,
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


def check_letter(session: Session, campaign_id: int, letter_id: int | None) -> None:
    """Refuse a letter that is not one of the campaign's (a demand is delivered with it)."""
    if letter_id is None:
        return
    from campaign.letters.models import Letter

    letter = session.get(Letter, letter_id)
    if letter is None or letter.campaign_id != campaign_id:
        raise DomainError("Choose one of this campaign's letters.", field="letter_id")


def create_demand(
    session: Session, campaign: Campaign, agency: Agency, fields: DemandFields, *, actor: User
) -> Demand:
    """Create a draft demand on one agency."""
    f = fields.checked()
    check_letter(session, campaign.id, f.letter_id)
    demand = Demand(
        campaign_id=campaign.id,
        agency_id=agency.id,
        title=f.title,
        addressed_to=f.addressed_to,
        # the default ask names its agency; any other text is kept as written
        ask=DEFAULT_ASK.format(agency=agency.name) if f.ask == DEFAULT_ASK else f.ask,
        rationale=f.rationale,
        priority=f.priority,
        due_on=f.due_on,
        letter_id=f.letter_id,
        status=DemandStatus.DRAFT,
        created_by_id=actor.id,
    )
    session.add(demand)
    session.flush()
    add_event(session, demand, actor, DemandEventKind.CREATED, to_status=DemandStatus.DRAFT)
    flag_if_gone(session, [demand], standings(session, [agency.id]))
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


def flag_if_gone(session: Session, demands: list[Demand], standing: dict[int, Standing]) -> int:
    """New demands on an agency whose agreement ICE already stopped listing are created
    flagged "confirm termination" (the coalition may be pressing an agreement that ended)."""
    flagged = 0
    for demand in demands:
        agency_standing = standing.get(demand.agency_id)
        if agency_standing is None or not agency_standing.gone:
            continue
        demand.delisted_flag = True
        demand.delisted_flagged_at = utcnow()
        demand.delisted_snapshot_id = agency_standing.dropped_by_snapshot_id
        add_event(
            session,
            demand,
            None,
            DemandEventKind.FLAGGED,
            f"Created for an agreement ICE no longer lists ({agency_standing.label}): "
            "confirm termination.",
        )
        flagged += 1
    if flagged:
        session.flush()
    return flagged


def update_demand(session: Session, demand: Demand, fields: DemandFields, *, actor: User) -> Demand:
    """Edit a demand's text, priority and due date (the status moves only by transitions)."""
    f = fields.checked()
    check_letter(session, demand.campaign_id, f.letter_id)
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
        add_event(session, demand, actor, DemandEventKind.EDITED, note=", ".join(changed))
        session.flush()
        audit(session, actor, "demand.update", "demand", demand.id, fields=changed)
    return demand


def check_event_date(demand: Demand, on: date | None, today: date, field: str) -> date:
    """The day a move or follow-up happened: today by default, never in the future, never
    before the demand's latest dated event (history is entered in the order it happened)."""
    on = on or today
    if on > today:
        raise DomainError("The date cannot be in the future.", field=field)
    if demand.last_event_on is not None and on < demand.last_event_on:
        raise DomainError(
            f"The date cannot be before the demand's last recorded event "
            f"({demand.last_event_on.isoformat()}).",
            field=field,
        )
    return on


def mark_event_on(demand: Demand, on: date) -> None:
    """Advance the demand's latest dated event to ``on``."""
    if demand.last_event_on is None or on > demand.last_event_on:
        demand.last_event_on = on


def transition_demand(
    session: Session, demand: Demand, to: DemandStatus, *, reason: str, actor: User,
    happened_on: date | None = None, today: date | None = None,
) -> Demand:  # fmt: skip
    """Move a demand along the lifecycle (``TRANSITIONS``), recording who, when and why.

    ``happened_on`` is the day it happened (default today; see ``check_event_date``).
    """
    to = DemandStatus(to)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason for the change.", field="reason")
    happened_on = check_event_date(demand, happened_on, today or local_today(), "happened_on")
    current = demand.status
    if to not in TRANSITIONS[current]:
        raise DomainError(f"A demand cannot go from “{current.label}” to “{to.label}”.")
    leaving_draft = current == DemandStatus.DRAFT and to != DemandStatus.WITHDRAWN
    if leaving_draft and live_evidence_count(session, demand) == 0:
        # shown in the demand's evidence section, where the remedy is
        raise DomainError(
            "Link at least one evidence record before sending the demand.", field="evidence"
        )
    demand.status = to
    demand.status_changed_at = utcnow()
    demand.status_changed_on = happened_on
    mark_event_on(demand, happened_on)
    if not to.is_open:
        # an outcome settles the "confirm termination" question either way
        demand.delisted_flag = False
    add_event(
        session, demand, actor, DemandEventKind.STATUS, reason, from_status=current, to_status=to,
        happened_on=happened_on,
    )  # fmt: skip
    session.flush()
    audit(
        session,
        actor,
        "demand.transition",
        "demand",
        demand.id,
        # the audit event's own time is when it was recorded
        **{"from": current.value, "to": to.value, "reason": reason,
           "happened_on": happened_on.isoformat()},
    )  # fmt: skip
    demand_status_changed.send(session, demand=demand, from_status=current)
    return demand
