"""A demand's one timeline: status changes, responses, evidence, follow-ups, in date order.

Four sources merged in Python after a fixed number of queries (whatever the length
of the history): the demand's events (``DemandEvent``), its responses (rejected
ones left out), its live evidence links (``DemandEvidence``; the "evidence linked"
events are replaced by the links themselves, which carry the record and the note)
and its follow-ups.

Responses and follow-ups carry a calendar date (received on, done on); events and
links an instant. Everything is placed on the coalition's calendar day; within a
day, a dated entry logged that same day sorts at the moment it was logged, one
logged later sorts at the start of the day (it happened before what it caused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from campaign.core.clock import local_date, start_of_day
from campaign.demands.models import Demand, DemandEvent, DemandEventKind, DemandStatus
from campaign.followups.models import FollowUp
from campaign.responses.models import Response, ResponseStatus


@dataclass
class Entry:
    """One line of the timeline."""

    # created, sent, status, edited, flag, evidence, evidence_unlinked, response, follow_up
    kind: str
    day: date
    at: datetime | None  # None for entries that only have a date
    title: str
    who: str = ""
    note: str = ""
    obj: Any = None
    sort_at: datetime = field(default=None, repr=False)  # type: ignore[assignment]


def _name(user) -> str:
    return user.name if user is not None else ""


def _event_entry(event: DemandEvent) -> Entry:
    kind, title = event.kind.value, event.kind.value.replace("_", " ").capitalize()
    if event.kind == DemandEventKind.STATUS:
        kind = "sent" if event.to_status == DemandStatus.SENT else "status"
        title = f"{event.from_status.label} → {event.to_status.label}"
    elif event.kind in (
        DemandEventKind.FLAGGED,
        DemandEventKind.FLAG_CONFIRMED,
        DemandEventKind.FLAG_DISMISSED,
    ):
        kind = "flag"
    entry = Entry(
        kind=kind,
        day=local_date(event.at),
        at=event.at,
        title=title,
        who=_name(event.user)
        or ("the ICE import" if event.kind == DemandEventKind.FLAGGED else ""),
        note=event.note,
        obj=event,
    )
    if event.happened_on is not None and event.happened_on != entry.day:
        # a move dated the day it happened: placed and shown on that day
        entry.day, entry.at = event.happened_on, None
        _dated(entry, event.at)
    return entry


def _dated(entry: Entry, logged_at: datetime) -> Entry:
    entry.sort_at = logged_at if local_date(logged_at) == entry.day else start_of_day(entry.day)
    return entry


def build_timeline(
    session: Session, demand: Demand, events: list[DemandEvent], links: list[tuple[Any, Any]]
) -> list[Entry]:
    """The merged timeline, oldest first (two queries beyond the events and links given)."""
    entries = [_event_entry(e) for e in events if e.kind != DemandEventKind.EVIDENCE_LINKED]
    for link, record in links:
        entries.append(
            Entry(
                kind="evidence",
                day=local_date(link.linked_at),
                at=link.linked_at,
                title=f"Evidence linked: {record.title}",
                who=_name(link.linked_by),
                note=link.note,
                obj=record,
            )
        )
    responses = session.scalars(
        sa.select(Response)
        .options(joinedload(Response.logged_by), joinedload(Response.agency))
        .where(Response.demand_id == demand.id, Response.status != ResponseStatus.REJECTED)
    ).all()
    for r in responses:
        entries.append(
            _dated(
                Entry(
                    kind="response",
                    day=r.received_on,
                    at=None,
                    title=f"Response ({r.channel.label.lower()}): {r.outcome.label}",
                    who=_name(r.logged_by),
                    note=r.summary,
                    obj=r,
                ),
                r.created_at,
            )
        )
    follow_ups = session.scalars(
        sa.select(FollowUp).options(joinedload(FollowUp.by)).where(FollowUp.demand_id == demand.id)
    ).all()
    for f in follow_ups:
        entries.append(
            _dated(
                Entry(
                    kind="follow_up",
                    day=f.done_on,
                    at=None,
                    title=f"Follow-up ({f.method.label.lower()}): new due date",
                    who=_name(f.by),
                    note=f.note,
                    obj=f,
                ),
                f.created_at,
            )
        )
    for e in entries:
        if e.sort_at is None:
            e.sort_at = e.at
    # on one day with no time to tell them apart: a response before the move it made
    order = {"created": 0, "sent": 1, "response": 2}
    entries.sort(key=lambda e: (e.day, e.sort_at, order.get(e.kind, 3), getattr(e.obj, "id", 0)))
    return entries
