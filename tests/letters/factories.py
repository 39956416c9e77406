"""Letters for tests, made through the services (they commit, like tests/factories.py)."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from campaign.auth.models import Role
from campaign.letters.models import Letter, LetterStatus
from campaign.letters.services import change_status, create_letter
from tests import factories

_seq = itertools.count(1)

BODY = "We urge you to end the 287(g) program.[^1]\n\n[^1]: ICE, 287(g) agreements."


def make_letter(
    session: Session,
    *,
    campaign=None,
    status: LetterStatus = LetterStatus.OPEN,
    title: str | None = None,
    days: int = 14,
    **kw,
) -> Letter:
    """A letter (open by default) whose deadline is ``days`` from today."""
    actor = factories.create_user(session, role=Role.COORDINATOR)
    campaign = campaign or factories.create_campaign(session, actor=actor)
    n = next(_seq)
    letter = create_letter(
        session,
        campaign,
        title=title or f"Letter {n}",
        addressees="The Secretary of Homeland Security",
        body=kw.pop("body", BODY),
        closing="Sincerely,",
        sender="The coalition",
        deadline_on=date.today() + timedelta(days=days),
        deadline_time=time(17, 0),
        deadline_tz="America/New_York",
        actor=actor,
        **kw,
    )
    if status != LetterStatus.DRAFT:
        change_status(session, letter, LetterStatus.OPEN, actor=actor)
    if status in (LetterStatus.CLOSED, LetterStatus.SENT):
        change_status(session, letter, LetterStatus.CLOSED, actor=actor)
    if status == LetterStatus.SENT:
        change_status(session, letter, LetterStatus.SENT, actor=actor)
    session.commit()
    return letter
