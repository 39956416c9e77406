"""Revocable login sessions: a random token in the signed cookie, its hash in the database."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.auth.models import LoginSession, User
from campaign.db import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, *, lifetime: timedelta) -> str:
    """Record a new login for ``user``; returns the token for the cookie.

    The user's expired sessions are deleted on the way, so the table holds only live ones.
    """
    now = utcnow()
    session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.created_at < now - lifetime
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, token_hash=_hash(token), created_at=now))
    session.flush()
    return token


def end_session(session: Session, token: str | None) -> None:
    """Forget one login (logout): its cookie is worthless from now on."""
    if token:
        session.execute(sa.delete(LoginSession).where(LoginSession.token_hash == _hash(token)))


def end_all_sessions(session: Session, user: User) -> int:
    """End every login of ``user`` (password change, deactivation, "log out everywhere")."""
    result = session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    return result.rowcount or 0


def count_sessions(session: Session, user: User, *, lifetime: timedelta) -> int:
    """How many browsers are logged in as ``user``."""
    since = utcnow() - lifetime
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.created_at >= since)
    )


def load_user(
    session: Session,
    user_id: str,
    token: object,
    *,
    lifetime: timedelta,
    now: datetime | None = None,
) -> User | None:
    """The active user whose live session this token is, in one query; None otherwise."""
    if not user_id.isdigit() or len(user_id) > 18 or not isinstance(token, str) or not token:
        return None
    since = (now or utcnow()) - lifetime
    return session.scalar(
        sa.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.active.is_(True),
            LoginSession.token_hash == _hash(token),
            LoginSession.created_at >= since,
        )
    )
