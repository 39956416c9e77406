"""Starting and ending a browser's login: the signed cookie plus its row in login_sessions."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user

from campaign import db
from campaign.auth.models import User
from campaign.auth.sessions import end_session, start_session

TOKEN_KEY = "login_token"  # noqa: S105 (a session key name, not a secret)


def lifetime() -> timedelta:
    """How long a login lasts (``CAMPAIGN_SESSION_HOURS``)."""
    return timedelta(hours=current_app.config["SESSION_HOURS"])


def log_in(user: User) -> None:
    """Log this browser in as ``user`` with a fresh session (nothing of the anonymous one
    is kept, so a session id planted before login is worthless); commits."""
    token = start_session(db.session, user, lifetime=lifetime())
    db.session.commit()
    session.clear()
    login_user(user)
    session[TOKEN_KEY] = token


def log_out() -> None:
    """End this browser's login: its row goes, so a copy of the cookie is worthless; commits."""
    end_session(db.session, session.get(TOKEN_KEY))
    db.session.commit()
    logout_user()
    session.clear()
