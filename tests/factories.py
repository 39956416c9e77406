"""Factory helpers that build real rows through the services.

They commit: inside the test transaction a commit only releases a SAVEPOINT,
and what they made must survive the session being removed after each request.
"""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from campaign.auth.models import Role, User
from campaign.auth.services import create_user as _create_user
from campaign.campaigns.models import Campaign
from campaign.campaigns.services import create_campaign as _create_campaign

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def create_user(
    session: Session,
    *,
    role: Role = Role.MEMBER,
    email: str | None = None,
    name: str | None = None,
    active: bool = True,
    password: str = PASSWORD,
) -> User:
    """A user with a known password."""
    n = next(_seq)
    user = _create_user(
        session,
        email=email or f"{role.value}{n}@example.org",
        name=name or f"{role.label} {n}",
        password=password,
        role=role,
    )
    user.active = active
    session.commit()
    return user


def create_campaign(
    session: Session, *, name: str | None = None, actor: User | None = None
) -> Campaign:
    """A campaign created by a coordinator."""
    actor = actor or create_user(session, role=Role.COORDINATOR)
    campaign = _create_campaign(
        session, name=name or f"Campaign {next(_seq)}", description="A test campaign.", actor=actor
    )
    session.commit()
    return campaign


def reload(session: Session, obj):
    """The same row, freshly loaded (objects made before a request are detached after it)."""
    session.expire_all()
    return session.get(type(obj), obj.id)
