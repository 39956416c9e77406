"""Follow-ups and the overdue list.

A demand is overdue when it waits for an answer (sent, acknowledged, awaiting a
response) and its due date is before *today in the coalition's time zone*
(``campaign.core.clock.local_today``). A follow-up records what was done to chase
the answer and sets a new due date, which takes the demand off the overdue list.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.audit.services import record as audit
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.demands.models import Demand
from campaign.demands.services import DELIVERED_OPEN, check_event_date, mark_event_on
from campaign.demands.tracking import overdue_condition
from campaign.followups.models import FollowUp, FollowUpMethod


def record_follow_up(
    session: Session,
    demand: Demand,
    *,
    done_on: date,
    method: FollowUpMethod,
    note: str,
    new_due_on: date,
    actor: User,
    today: date,
) -> FollowUp:
    """Record a follow-up on a delivered, open demand and move its due date."""
    if demand.status not in DELIVERED_OPEN:
        raise DomainError(
            f"A demand that is “{demand.status.label}” is not waiting for an answer: "
            "there is nothing to follow up."
        )
    if done_on is None or done_on > today:
        raise DomainError("The follow-up cannot be dated in the future.", field="done_on")
    check_event_date(demand, done_on, today, "done_on")
    # a follow-up recorded on the day sets a due date still to come; one from the past
    # (history entered late) may carry the due date it set then
    if new_due_on is None or (done_on == today and new_due_on < today):
        raise DomainError("The new due date must be today or later.", field="new_due_on")
    if new_due_on < done_on:
        raise DomainError("The new due date is before the follow-up.", field="new_due_on")
    follow_up = FollowUp(
        demand_id=demand.id,
        done_on=done_on,
        method=FollowUpMethod(method),
        note=(note or "").strip(),
        previous_due_on=demand.due_on,
        new_due_on=new_due_on,
        by_id=actor.id,
    )
    session.add(follow_up)
    demand.due_on = new_due_on
    demand.updated_at = utcnow()
    mark_event_on(demand, done_on)
    session.flush()
    audit(
        session,
        actor,
        "demand.follow_up",
        "demand",
        demand.id,
        follow_up=follow_up.id,
        method=follow_up.method.value,
        done_on=done_on.isoformat(),
        previous_due_on=str(follow_up.previous_due_on or ""),
        new_due_on=new_due_on.isoformat(),
    )
    return follow_up


def overdue_query(today: date, campaign: Campaign | None = None) -> sa.Select:
    """Overdue demands with their agency and campaign, most days overdue first."""
    query = (
        sa.select(Demand, Agency, Campaign)
        .join(Agency, Agency.id == Demand.agency_id)
        .join(Campaign, Campaign.id == Demand.campaign_id)
        .where(overdue_condition(today))
    )
    if campaign is not None:
        query = query.where(Demand.campaign_id == campaign.id)
    # the earliest due date is the most days overdue
    return query.order_by(Demand.due_on, Demand.id)


def last_follow_ups(session: Session, demand_ids: list[int]) -> dict[int, tuple[date, int]]:
    """For each demand: (date of its latest follow-up, number of follow-ups), in one query."""
    if not demand_ids:
        return {}
    rows = session.execute(
        sa.select(FollowUp.demand_id, sa.func.max(FollowUp.done_on), sa.func.count())
        .where(FollowUp.demand_id.in_(demand_ids))
        .group_by(FollowUp.demand_id)
    )
    return {demand_id: (last, n) for demand_id, last, n in rows}
