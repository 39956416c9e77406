"""What a letter's page shows about its aftermath: responses, and its demands' states."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, joinedload

from campaign.demands.models import Demand, DemandStatus
from campaign.demands.tracking import overdue_condition
from campaign.letters.models import Letter
from campaign.responses.models import Response, ResponseStatus

DEMANDS_SHOWN = 50


def letter_aftermath(session: Session, letter: Letter, today: date) -> dict[str, Any]:
    """Responses to the letter, and the demands delivered with it (three queries)."""
    responses = session.scalars(
        sa.select(Response)
        .options(joinedload(Response.logged_by), joinedload(Response.agency))
        .where(Response.letter_id == letter.id, Response.status != ResponseStatus.REJECTED)
        .order_by(Response.received_on.desc(), Response.id.desc())
    ).all()
    rows = session.execute(
        sa.select(
            Demand.status,
            sa.func.count(),
            sa.func.sum(sa.case((overdue_condition(today), 1), else_=0)),
        )
        .where(Demand.letter_id == letter.id)
        .group_by(Demand.status)
    ).all()
    counts = {s.value: 0 for s in DemandStatus}
    overdue = 0
    for status, n, n_overdue in rows:
        counts[DemandStatus(status).value] = n
        overdue += int(n_overdue or 0)
    demands = session.scalars(
        sa.select(Demand)
        .join(Demand.agency)
        .options(contains_eager(Demand.agency))
        .where(Demand.letter_id == letter.id)
        .order_by(Demand.status_changed_at.desc(), Demand.id.desc())
        .limit(DEMANDS_SHOWN)
    ).all()
    return {
        "responses": responses,
        "demand_counts": counts,
        "demand_total": sum(counts.values()),
        "demand_overdue": overdue,
        "demands": demands,
        "statuses": list(DemandStatus),
    }
