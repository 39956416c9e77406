"""Bulk rows for query-count and figure tests (insert().values, not the ORM one by one)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency, AgencyType
from campaign.core.names import org_key
from campaign.demands.models import Demand, DemandStatus
from campaign.followups.models import FollowUp, FollowUpMethod
from campaign.letters.models import Letter
from campaign.letters.services import current_version
from campaign.responses.models import (
    Response,
    ResponseChannel,
    ResponseOutcome,
    ResponseStatus,
)
from campaign.signons.models import Level, SignOn, SignOnStatus

_seq = itertools.count(1)
STATES = ["FL", "TX", "GA", "NC", "AZ", "TN", "VA", "OK", "LA", "SC", "PR", "GU"]


def agencies(session: Session, n: int, prefix: str = "Bulk") -> list[int]:
    """``n`` agencies spread over STATES; their ids."""
    rows = [
        {
            "name": f"{prefix} Sheriff's Office {i}",
            "key": org_key(f"{prefix} Sheriff's Office {i}"),
            "state": STATES[i % len(STATES)],
            "type": AgencyType.COUNTY,
        }
        for i in range(n)
    ]
    session.execute(sa.insert(Agency), rows)
    return list(
        session.scalars(
            sa.select(Agency.id).where(Agency.name.like(f"{prefix} Sheriff%")).order_by(Agency.id)
        )
    )


def demands(
    session: Session, campaign, agency_ids: list[int], *, status=DemandStatus.AWAITING_RESPONSE,
    due_on: date | None = None, letter: Letter | None = None,
) -> list[int]:  # fmt: skip
    """One demand per agency; their ids."""
    rows = [
        {
            "campaign_id": campaign.id,
            "agency_id": agency_id,
            "addressed_to": "Secretary of Homeland Security",
            "title": f"Terminate agreement {agency_id}",
            "ask": "Terminate it.",
            "status": status,
            "due_on": due_on,
            "letter_id": letter.id if letter else None,
        }
        for agency_id in agency_ids
    ]
    session.execute(sa.insert(Demand), rows)
    return list(
        session.scalars(
            sa.select(Demand.id)
            .where(Demand.campaign_id == campaign.id, Demand.agency_id.in_(agency_ids))
            .order_by(Demand.id)
        )
    )


def responses(
    session: Session, campaign, demand_ids: list[int], user_id: int,
    status=ResponseStatus.APPROVED,
) -> None:  # fmt: skip
    """One response per demand."""
    session.execute(
        sa.insert(Response),
        [
            {
                "campaign_id": campaign.id,
                "demand_id": demand_id,
                "received_on": date(2026, 1, 1) + timedelta(days=i % 300),
                "channel": ResponseChannel.EMAIL,
                "summary": f"Answer {i}",
                "outcome": ResponseOutcome.NONE,
                "status": status,
                "logged_by_id": user_id,
            }
            for i, demand_id in enumerate(demand_ids)
        ],
    )


def follow_ups(session: Session, demand_ids: list[int], user_id: int) -> None:
    """Two follow-ups per demand."""
    session.execute(
        sa.insert(FollowUp),
        [
            {
                "demand_id": demand_id,
                "done_on": date(2026, 1, 1) + timedelta(days=k),
                "method": FollowUpMethod.CALL,
                "new_due_on": date(2026, 1, 10),
                "by_id": user_id,
            }
            for demand_id in demand_ids
            for k in range(2)
        ],
    )


def signons(
    session: Session, letter: Letter, specs: list[tuple[Level, SignOnStatus, datetime, str, bool]]
) -> None:
    """Sign-ons from (level, status, confirmed_at, email, keep_informed)."""
    version = current_version(session, letter)
    start = next(_seq) * 1_000_000
    session.execute(
        sa.insert(SignOn),
        [
            {
                "letter_id": letter.id,
                "version_id": version.id,
                "org_name": f"Org {start + i}",
                "org_key": f"org {start + i}",
                "level": level,
                "state": "" if level == Level.NATIONAL else "TX",
                "signer_name": f"Signer {i}",
                "signer_email": email,
                "authorized": True,
                "keep_informed": keep,
                "status": status,
                "confirmed_at": at,
                "signed_at": at,
                "created_at": at or datetime(2026, 1, 1, tzinfo=UTC),
            }
            for i, (level, status, at, email, keep) in enumerate(specs)
        ],
    )
