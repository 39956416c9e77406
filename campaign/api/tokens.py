"""Personal API tokens: made, found, revoked. Only a token's sha256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.api.models import ApiToken, Scope
from campaign.audit.services import record
from campaign.auth.models import Role, User
from campaign.core.errors import DomainError
from campaign.db import utcnow

# Tokens say what they are (a leaked one is easy to recognise in a log or a repository).
TOKEN_PREFIX = "cmp_"  # noqa: S105 (a label, not a secret)
# last-used time is written at most this often per token: not one write per request
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def parse_scopes(values: Iterable[str]) -> list[Scope]:
    """Known scopes, in their canonical order; an unknown one is refused."""
    wanted = set()
    for value in values:
        try:
            wanted.add(Scope(value.strip()))
        except ValueError:
            raise DomainError(f"Unknown scope {value!r}.", field="scopes")
    if not wanted:
        raise DomainError("Choose at least one scope.", field="scopes")
    return [scope for scope in Scope if scope in wanted]


def create_token(
    session: Session, user: User, *, name: str, scopes: Iterable[str], actor: User | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the token itself (shown once, never stored)."""
    if not user.active:
        raise DomainError("This account is deactivated.")
    name = " ".join((name or "").split())[:100] or "API token"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=raw[:12],
        token_hash=hash_token(raw),
        scopes=" ".join(scope.value for scope in parse_scopes(scopes)),
        created_at=utcnow(),
    )
    session.add(token)
    session.flush()
    record(
        session,
        actor or user,
        "api_token.create",
        "api_token",
        token.id,
        owner_id=user.id,
        name=name,
        scopes=token.scopes,
    )
    return token, raw


def revoke_token(session: Session, token: ApiToken, *, actor: User | None) -> None:
    """Revoke ``token`` (its owner, an admin, or the command line: ``actor`` None); it
    stops working at its next request."""
    if actor is not None and actor.id != token.user_id and not actor.has_role(Role.ADMIN):
        raise DomainError("Only the token's owner or an admin may revoke it.")
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    token.revoked_by_id = actor.id if actor is not None else None
    session.flush()
    record(session, actor, "api_token.revoke", "api_token", token.id, owner_id=token.user_id)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first (revoked ones too: the list is their history)."""
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def all_tokens(session: Session) -> list[tuple[ApiToken, User]]:
    """Every token with its owner, active ones first (the admin's list)."""
    return list(
        session.execute(
            sa.select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


@dataclass(frozen=True)
class Caller:
    """Who a request's token acts for, as plain values (no ORM object outlives a
    transaction the request may end early)."""

    token_id: int
    scopes: frozenset[Scope]
    last_used_at: datetime | None
    user_id: int
    role: Role

    def has_role(self, role: Role) -> bool:
        """True when the token's user has ``role`` or above."""
        return self.role.rank >= role.rank


_FIND = (
    sa.select(
        ApiToken.id,
        ApiToken.scopes,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
        User.id,
        User.role,
        User.active,
    )
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == sa.bindparam("digest"))
)


def authenticate(session: Session, raw: str) -> Caller | None:
    """The caller of the active token ``raw`` with an active user, or None: looked up on
    every request, so that a revoked token or a deactivated account stops at once."""
    if not raw or len(raw) > 200:
        return None
    row = session.execute(_FIND, {"digest": hash_token(raw)}).first()
    if row is None:
        return None
    token_id, scopes, last_used_at, revoked_at, user_id, role, active = row
    if revoked_at is not None or not active:
        return None
    known = frozenset(Scope(s) for s in scopes.split() if s in Scope._value2member_map_)
    return Caller(token_id, known, last_used_at, user_id, Role(role))


def needs_touch(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether the token's last-used time is worth writing again."""
    return last_used_at is None or last_used_at <= now - TOUCH_EVERY


def touch(session: Session, token_id: int, now: datetime) -> None:
    """Write the last-used time (one conditional UPDATE: concurrent requests write once)."""
    session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token_id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
