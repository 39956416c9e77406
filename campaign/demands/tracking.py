"""Following demands up: overdue, "agreement no longer listed" flags, counts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.demands.models import (
    AWAITING_STATUSES,
    Demand,
    DemandEventKind,
    DemandStatus,
)
from campaign.demands.services import DELIVERED_OPEN, add_event, transition_demand


def overdue_condition(today: date) -> sa.ColumnElement[bool]:
    """SQL for "awaiting an answer past its due date" (see ``Demand.is_overdue``)."""
    return sa.and_(
        Demand.status.in_(AWAITING_STATUSES),
        Demand.due_on.is_not(None),
        Demand.due_on < today,
        Demand.paused_on.is_(None),
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
                Demand.status.in_(DELIVERED_OPEN),
                Demand.delisted_flag.is_(False),
            )
        )
    )
    now = utcnow()
    for demand in demands:
        demand.delisted_flag = True
        demand.delisted_flagged_at = now
        demand.delisted_snapshot_id = snapshot_id
        add_event(
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
    """A member confirms the agreement ended: the demand is met (a draft, never sent,
    is withdrawn instead: the coalition did not obtain what ended before it asked)."""
    reason = _require_flag(demand, reason)
    add_event(session, demand, actor, DemandEventKind.FLAG_CONFIRMED, reason)
    audit(session, actor, "demand.flag_confirm", "demand", demand.id, reason=reason)
    if demand.status == DemandStatus.DRAFT:
        return transition_demand(
            session, demand, DemandStatus.WITHDRAWN,
            reason=f"Termination confirmed before the demand was sent: {reason}", actor=actor,
        )  # fmt: skip
    return transition_demand(
        session, demand, DemandStatus.MET, reason=f"Termination confirmed: {reason}", actor=actor
    )


def dismiss_delisting(session: Session, demand: Demand, *, reason: str, actor: User) -> Demand:
    """A member finds the agreement still stands (e.g. a listing error): the flag goes."""
    reason = _require_flag(demand, reason)
    demand.delisted_flag = False
    add_event(session, demand, actor, DemandEventKind.FLAG_DISMISSED, reason)
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
