"""Embargoed letters for tests."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from campaign.auth.models import Role
from campaign.embargo.services import ReleaseTime, set_embargo
from campaign.letters.embargo import LetterEmbargo
from campaign.letters.models import Letter
from tests import factories

# a press launch: Tuesday March 16, 2027, 10:00 in New York (EDT, UTC-4)
LAUNCH = ReleaseTime(datetime(2027, 3, 16).date(), time(10, 0), "America/New_York")
LAUNCH_UTC = datetime(2027, 3, 16, 14, 0, tzinfo=UTC)
BEFORE = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def embargo(
    session: Session,
    letter: Letter,
    when: ReleaseTime = LAUNCH,
    *,
    now: datetime = BEFORE,
    actor=None,
    deliver: bool = False,
) -> LetterEmbargo:
    """Embargo ``letter`` until ``when`` (committed)."""
    actor = actor or factories.create_user(session, role=Role.COORDINATOR)
    row = set_embargo(session, letter, when, deliver_at_release=deliver, actor=actor, now=now)
    session.commit()
    return row


def local(instant: datetime, tz: str = "America/New_York") -> datetime:
    return instant.astimezone(ZoneInfo(tz))
