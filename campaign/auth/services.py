"""Account rules: creating users, changing roles, checking logins."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import Role, User
from campaign.auth.passwords import MIN_LENGTH, hash_password, verify_password
from campaign.core.errors import Conflict, DomainError
from campaign.db import utcnow


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, or None."""
    return session.scalar(sa.select(User).where(User.email == normalise_email(email)))


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
    if len(password) < MIN_LENGTH:
        raise DomainError(
            f"The password must be at least {MIN_LENGTH} characters long.", field="password"
        )
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
    if name.strip() and user.name != name.strip():
        changes["name"] = [user.name, name.strip()]
        user.name = name.strip()
    if changes:
        session.flush()
        record(session, actor, "user.update", "user", user.id, **changes)
    return user


def set_password(session: Session, user: User, password: str, *, actor: User | None) -> None:
    """Replace a user's password."""
    if len(password) < MIN_LENGTH:
        raise DomainError(
            f"The password must be at least {MIN_LENGTH} characters long.", field="password"
        )
    user.password_hash = hash_password(password)
    record(session, actor, "user.password", "user", user.id)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the login is audited either way."""
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
    user.last_login_at = utcnow()
    record(session, user, "auth.login", "user", user.id)
    return user
