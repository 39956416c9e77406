"""Consolidated follow-ups: one email per agency listing every open demand of the campaign
to it, at most one per agency within CAMPAIGN_FOLLOWUP_WINDOW_DAYS business days, sent by
the worker when due or by a coordinator; each on every demand's timeline, a receipt each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.coalition import coalition_of
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.demands.models import Demand, DemandEvent, DemandEventKind, DemandStatus
from campaign.demands.services import DELIVERED_OPEN, add_event
from campaign.followups.models import FollowUp, FollowUpMethod
from campaign.mail.services import render_email
from campaign.sending import clock
from campaign.sending.demand_clock import days_overdue
from campaign.sending.models import AgencyFollowUp
from campaign.sending.packet_data import reference
from campaign.sending.recipients import enqueue_to, recipients_of
from campaign.targets.services import agency_targets


def window_days() -> int:
    """CAMPAIGN_FOLLOWUP_WINDOW_DAYS (business days between two follow-ups to one agency)."""
    return int(current_app.config.get("FOLLOWUP_WINDOW_DAYS") or 10) if has_app_context() else 10


@dataclass
class AgencyStatus:
    """Where one agency stands for follow-ups in one campaign."""

    agency: Agency
    demands: list[Demand]
    most_overdue: int
    last_sent_on: date | None
    next_on: date | None  # the first day another follow-up may go; None: any time
    addresses: int = 0  # the agency's targets' working email addresses

    def due(self, today: date) -> bool:
        """Something is overdue, the agency has a working address, and the window since
        the last follow-up is over."""
        return (
            self.most_overdue > 0
            and self.addresses > 0
            and (self.next_on is None or today >= self.next_on)
        )


def _open_demands(session: Session, campaign_id: int, agency_id: int | None = None):
    query = sa.select(Demand).where(
        Demand.campaign_id == campaign_id, Demand.status.in_(DELIVERED_OPEN)
    )
    if agency_id is not None:
        query = query.where(Demand.agency_id == agency_id)
    return list(session.scalars(query.order_by(Demand.agency_id, Demand.id)))


def agency_statuses(session: Session, campaign: Campaign, today: date) -> list[AgencyStatus]:
    """Every agency with open delivered demands in the campaign, most overdue first."""
    demands = _open_demands(session, campaign.id)
    by_agency: dict[int, list[Demand]] = {}
    for demand in demands:
        by_agency.setdefault(demand.agency_id, []).append(demand)
    if not by_agency:
        return []
    agencies = {a.id: a for a in session.scalars(sa.select(Agency).where(Agency.id.in_(by_agency)))}
    last = dict(
        session.execute(
            sa.select(AgencyFollowUp.agency_id, sa.func.max(AgencyFollowUp.sent_on))
            .where(
                AgencyFollowUp.campaign_id == campaign.id, AgencyFollowUp.agency_id.in_(by_agency)
            )
            .group_by(AgencyFollowUp.agency_id)
        ).all()
    )
    window = window_days()
    targets = agency_targets(session, list(by_agency))
    out = [
        AgencyStatus(
            agency=agencies[agency_id],
            demands=items,
            most_overdue=max(days_overdue(d, today) for d in items),
            last_sent_on=last.get(agency_id),
            next_on=clock.add_business_days(last[agency_id], window) if agency_id in last else None,
            addresses=len(recipients_of(targets[agency_id]).pairs),
        )
        for agency_id, items in by_agency.items()
    ]
    return sorted(out, key=lambda s: (-s.most_overdue, s.agency.name))


def _sent_dates(session: Session, demand_ids: list[int]) -> dict[int, date]:
    rows = session.execute(
        sa.select(DemandEvent.demand_id, sa.func.min(DemandEvent.happened_on))
        .where(DemandEvent.demand_id.in_(demand_ids), DemandEvent.to_status == DemandStatus.SENT)
        .group_by(DemandEvent.demand_id)
    )
    return {demand_id: on for demand_id, on in rows if on}


def send_follow_up(
    session: Session, campaign: Campaign, agency: Agency, *, today: date, actor: User | None
) -> AgencyFollowUp:
    """One email to the agency's targets listing every open demand of the campaign to it;
    refused within the window since the last one (one per agency, whoever sends it)."""
    status = next(
        (s for s in agency_statuses(session, campaign, today) if s.agency.id == agency.id), None
    )
    if status is None:
        raise DomainError("This agency has no open demand that was sent.")
    if status.next_on and today < status.next_on:
        raise DomainError(
            f"{agency.name} was followed up on {status.last_sent_on.isoformat()}: the next "
            f"follow-up may go from {status.next_on.isoformat()}."
        )
    recipients = recipients_of(agency_targets(session, [agency.id])[agency.id])
    if not recipients.pairs:
        raise DomainError(f"{agency.name} has no target with a working email address.")
    sent_dates = _sent_dates(session, [d.id for d in status.demands])
    coalition = coalition_of(session, campaign.id)
    lines = [
        {
            "reference": reference(d),
            "title": d.title,
            "ask": d.ask,
            "sent_on": sent_dates.get(d.id) or d.status_changed_on,
            "due_on": d.due_on,
            "overdue": days_overdue(d, today),
            "unit": d.clock_unit or clock.CALENDAR,
        }
        for d in status.demands
    ]
    body = render_email(
        "agency_follow_up", agency=agency, lines=lines, coalition=coalition, today=today
    )
    follow_up = AgencyFollowUp(
        campaign_id=campaign.id,
        agency_id=agency.id,
        sent_on=today,
        demand_ids=[d.id for d in status.demands],
        by_id=actor.id if actor else None,
    )
    session.add(follow_up)
    session.flush()
    subject = (
        f"Follow-up: {len(lines)} open request{'s' if len(lines) != 1 else ''} from "
        f"{coalition.name}"
    )
    rows = enqueue_to(
        session,
        recipients,
        campaign_id=campaign.id,
        subject=subject,
        body_text=body,
        kind="follow_up",
        attachment_sha256=None,
        attachment_name=None,
        actor_id=actor.id if actor else None,
        agency_follow_up_id=follow_up.id,
    )
    addresses = ", ".join(c.email for _t, c in recipients.pairs)
    for demand in status.demands:
        add_event(
            session,
            demand,
            actor,
            DemandEventKind.FOLLOW_UP_SENT,
            f"Consolidated follow-up #{follow_up.id} emailed to {addresses}"
            + (" by the worker" if actor is None else ""),
            happened_on=today,
        )
        # the follow-up list counts it; the due date stays (chasing grants no more time)
        session.add(
            FollowUp(
                demand_id=demand.id,
                done_on=today,
                method=FollowUpMethod.EMAIL,
                note=f"Consolidated follow-up #{follow_up.id}",
                previous_due_on=demand.due_on,
                new_due_on=demand.due_on or today,
                by_id=actor.id if actor else None,
            )
        )
    session.flush()
    record(
        session,
        actor,
        "agency.follow_up",
        "agency",
        agency.id,
        campaign=campaign.id,
        follow_up=follow_up.id,
        demands=len(lines),
        recipients=len(rows),
    )
    return follow_up


def send_due_follow_ups(session: Session, today: date) -> tuple[int, list[str]]:
    """The worker's round: a follow-up to every agency that is due in every campaign, each
    in its own savepoint; returns (sent, why others could not go)."""
    sent, problems = 0, []
    for campaign in session.scalars(sa.select(Campaign).order_by(Campaign.id)):
        for status in agency_statuses(session, campaign, today):
            if not status.due(today):
                continue
            try:
                with session.begin_nested():
                    send_follow_up(session, campaign, status.agency, today=today, actor=None)
            except DomainError as err:
                problems.append(err.message)
            else:
                sent += 1
    return sent, problems
