"""A demand's response clock: started when it is sent, extended with a reason and a new
date, paused while the coalition owes the agency something (each change on its timeline)."""

from __future__ import annotations

from datetime import date

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.demands.models import AWAITING_STATUSES, Demand, DemandEventKind
from campaign.demands.services import DELIVERED_OPEN, add_event
from campaign.sending import clock


def default_clock() -> tuple[str, int]:
    """(unit, days) from CAMPAIGN_RESPONSE_CLOCK and CAMPAIGN_RESPONSE_DAYS."""
    if not has_app_context():
        return clock.BUSINESS, 20
    config = current_app.config
    return str(config.get("RESPONSE_CLOCK") or clock.BUSINESS), int(
        config.get("RESPONSE_DAYS") or 20
    )


def unit_of(demand: Demand) -> str:
    """The unit the demand's clock counts in."""
    return demand.clock_unit or default_clock()[0]


def start_clock(demand: Demand, sent_on: date) -> None:
    """Sent: the answer is due after the clock's days (a due date already set is kept,
    and so is a clock set on the demand)."""
    unit, days = default_clock()
    demand.clock_unit = demand.clock_unit or unit
    demand.clock_days = demand.clock_days or days
    if demand.due_on is None:
        demand.due_on = clock.due_date(sent_on, demand.clock_days, demand.clock_unit)


def _check_open(demand: Demand) -> None:
    if demand.status not in DELIVERED_OPEN:
        raise DomainError(
            f"A demand that is “{demand.status.label}” has no response clock running."
        )


def extend(
    session: Session, demand: Demand, *, new_due_on: date, reason: str, actor: User, today: date
) -> Demand:
    """Give the agency until ``new_due_on`` (e.g. it asked for more time)."""
    _check_open(demand)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason for the extension.", field="reason")
    if new_due_on is None or new_due_on < today:
        raise DomainError("The new due date must be today or later.", field="new_due_on")
    if demand.due_on and new_due_on <= demand.due_on:
        raise DomainError(
            f"An extension ends after the current due date ({demand.due_on.isoformat()}).",
            field="new_due_on",
        )
    before = demand.due_on
    demand.due_on = new_due_on
    demand.updated_at = utcnow()
    add_event(session, demand, actor, DemandEventKind.CLOCK,
              f"Due date extended to {new_due_on.isoformat()}"
              + (f" (was {before.isoformat()})" if before else "") + f": {reason}",
              happened_on=today)  # fmt: skip
    session.flush()
    record(session, actor, "demand.clock_extend", "demand", demand.id,
           due_on=new_due_on.isoformat(), reason=reason[:200])  # fmt: skip
    return demand


def pause(session: Session, demand: Demand, *, reason: str, actor: User, today: date) -> Demand:
    """Stop the clock while the coalition owes the agency something (never overdue then)."""
    _check_open(demand)
    if demand.paused_on is not None:
        raise DomainError("The clock is already paused.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say what the coalition owes the agency.", field="reason")
    demand.paused_on, demand.pause_reason = today, reason[:2000]
    add_event(session, demand, actor, DemandEventKind.CLOCK, f"Clock paused: {reason}",
              happened_on=today)  # fmt: skip
    session.flush()
    record(session, actor, "demand.clock_pause", "demand", demand.id, reason=reason[:200])
    return demand


def resume(session: Session, demand: Demand, *, actor: User, today: date) -> Demand:
    """Start the clock again: the due date moves by the time it stood still."""
    if demand.paused_on is None:
        raise DomainError("The clock is not paused.")
    if demand.due_on is not None:
        demand.due_on = clock.shift(demand.due_on, demand.paused_on, today, unit_of(demand))
    since = demand.paused_on
    demand.paused_on, demand.pause_reason = None, ""
    add_event(session, demand, actor, DemandEventKind.CLOCK,
              f"Clock resumed (paused since {since.isoformat()})"
              + (f"; now due {demand.due_on.isoformat()}" if demand.due_on else ""),
              happened_on=today)  # fmt: skip
    session.flush()
    record(session, actor, "demand.clock_resume", "demand", demand.id)
    return demand


def days_overdue(demand: Demand, today: date) -> int:
    """How late the agency's answer is, in the unit of the clock that set its due date
    (calendar days for a date typed by hand); 0 when not overdue or paused, and at least 1
    once the due date is past (a weekend after a Friday deadline is one day late)."""
    if demand.status not in AWAITING_STATUSES or demand.paused_on or not demand.due_on:
        return 0
    if demand.due_on >= today:
        return 0
    return max(1, clock.days_overdue(demand.due_on, today, demand.clock_unit or clock.CALENDAR))
