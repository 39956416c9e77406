"""Responses for tests, logged through the service (they commit, like tests/factories.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from campaign.auth.models import Role, User
from campaign.core.clock import local_today
from campaign.demands.models import Demand
from campaign.letters.models import Letter
from campaign.responses.models import (
    Response,
    ResponseChannel,
    ResponseOutcome,
    ResponseSource,
)
from campaign.responses.services import ResponseFields, log_response
from tests.demands.factories import create_actor


def make_response(
    session: Session,
    *,
    letter: Letter | None = None,
    demand: Demand | None = None,
    actor: User | None = None,
    outcome: ResponseOutcome = ResponseOutcome.NONE,
    received_on: date | None = None,
    summary: str = "The agency acknowledged the letter.",
    channel: ResponseChannel = ResponseChannel.EMAIL,
) -> Response:
    """A response logged by ``actor`` (a new member by default: letter responses wait)."""
    actor = actor or create_actor(session, Role.MEMBER)
    today = local_today("America/New_York")
    response = log_response(
        session,
        letter=letter,
        demand=demand,
        fields=ResponseFields(
            received_on=received_on or today,
            channel=channel,
            summary=summary,
            source=ResponseSource.PERSON,
            from_name="Pat Official",
            from_title="Chief of Staff",
            outcome=outcome,
        ),
        actor=actor,
        today=today,
    )
    session.commit()
    return response
