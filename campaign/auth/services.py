"""Account rules: creating users, changing roles, checking logins."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import Role, User
from campaign.auth.passwords import (
    guessable_words,
    hash_password,
    password_problem,
    verify_password,
)
from campaign.auth.sessions import end_all_sessions
from campaign.core.errors import Conflict, DomainError
from campaign.db import utcnow
from campaign.mail.services import enqueue_template


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, or None."""
    return session.scalar(sa.select(User).where(User.email == normalise_email(email)))


# Read by name: accounts sit below campaigns, which import them.
_CAMPAIGNS = sa.table("campaigns", sa.column("name", sa.String), sa.column("coalition_name"))
_SETTINGS = sa.table("coalition_settings", sa.column("name", sa.String))


def coalition_names(session: Session) -> list[str]:
    """The names the coalition goes by: configured, on the settings page, and each
    campaign's own and its coalition's."""
    names = [str(current_app.config.get("COALITION_NAME") or "")] if has_app_context() else []
    names += session.scalars(sa.select(_SETTINGS.c.name))
    for row in session.execute(sa.select(_CAMPAIGNS.c.name, _CAMPAIGNS.c.coalition_name).limit(50)):
        names += [row.name, row.coalition_name]
    return sorted({name for name in names if name})


def check_password(session: Session, password: str, *, email: str, name: str = "") -> None:
    """Raise a DomainError on ``password`` unless it is long and hard to guess, also for
    someone who knows the account's email and name and the coalition's name."""
    context = guessable_words(email, email.partition("@")[0], name, *coalition_names(session))
    problem = password_problem(password, context)
    if problem:
        raise DomainError(problem, field="password")


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    actor: User | None = None,
) -> User:
    """Create an account; raises Conflict if the email is taken."""
    email = normalise_email(email)
    check_password(session, password, email=email, name=name)
    if find_user_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.", field="email")
    user = User(
        email=email, name=name.strip() or email, role=role, password_hash=hash_password(password)
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, email=email, role=role.value)
    return user


def update_user(
    session: Session, user: User, *, role: Role, active: bool, name: str, actor: User
) -> User:
    """Change a user's role, name or active flag; an admin cannot lock themself out."""
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise DomainError("You cannot remove your own admin role or deactivate yourself.")
    changes = {}
    if user.role != role:
        changes["role"] = [user.role.value, role.value]
        user.role = role
    if user.active != active:
        changes["active"] = [user.active, active]
        user.active = active
        if not active:
            end_all_sessions(session, user)
    if name.strip() and user.name != name.strip():
        changes["name"] = [user.name, name.strip()]
        user.name = name.strip()
    if changes:
        session.flush()
        record(session, actor, "user.update", "user", user.id, **changes)
    return user


def set_password(session: Session, user: User, password: str, *, actor: User | None) -> None:
    """Replace a user's password; every session of theirs ends (the caller may start a
    new one for the browser that made the change)."""
    check_password(session, password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    ended = end_all_sessions(session, user)
    record(session, actor, "user.password", "user", user.id, sessions_ended=ended)
    tell_of_account_change(
        session,
        user,
        "Your password was changed",
        by_admin=actor is not None and actor.id != user.id,
    )


def tell_of_account_change(session: Session, user: User, what: str, *, by_admin: bool) -> None:
    """Email the owner when how they log in changed (OWASP ASVS 2.2.3): a stranger who
    did it cannot hide it."""
    enqueue_template(
        session,
        to=user.email,
        subject=f"{what} (campaign account)",
        template="account_changed",
        kind="auth.account_changed",
        name=user.name,
        email=user.email,
        what=what,
        by_admin=by_admin,
    )


def change_own_password(session: Session, user: User, *, current: str, new: str) -> None:
    """A user replaces their own password, proving they know the current one."""
    if not verify_password(user.password_hash, current):
        raise DomainError("That is not your current password.", field="current_password")
    if current == new:
        raise DomainError("Choose a password different from the current one.", field="password")
    set_password(session, user, new, actor=user)


def log_out_everywhere(session: Session, user: User, *, actor: User) -> int:
    """End every session of ``user`` (an admin's button, or the user's own)."""
    ended = end_all_sessions(session, user)
    record(session, actor, "user.logout_everywhere", "user", user.id, sessions_ended=ended)
    return ended


def warn_of_failed_logins(session: Session, email: str, *, window: str) -> bool:
    """Tell an account's owner that many logins to it failed; False if no such account."""
    user = find_user_by_email(session, email)
    if user is None or not user.active:
        return False
    enqueue_template(
        session,
        to=user.email,
        subject="Failed logins to your campaign account",
        template="login_failures",
        kind="auth.login_failures",
        name=user.name,
        email=user.email,
        window=window,
    )
    record(session, None, "auth.login_failures_warned", "user", user.id)
    return True


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (audited). A second factor, if the
    user has one, is still to come: ``finish_login`` records the login itself."""
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        record(
            session,
            user,
            "auth.login_failed",
            "user",
            user.id if user else None,
            email=normalise_email(email)[:254],
        )
        return None
    if not user.active:
        record(session, user, "auth.login_inactive", "user", user.id)
        return None
    return user


def finish_login(session: Session, user: User, *, second_factor: str | None = None) -> None:
    """Record a complete login (password, and the second factor if the user has one)."""
    user.last_login_at = utcnow()
    details = {"second_factor": second_factor} if second_factor else {}
    record(session, user, "auth.login", "user", user.id, **details)
