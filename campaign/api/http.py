"""The API's requests and answers: token authentication, scopes, the per-token rate limit,
HAL+JSON bodies and OSDI-style errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, request

from campaign import db
from campaign.api import tokens
from campaign.api.models import Scope
from campaign.auth.models import Role, User
from campaign.core import ratelimit
from campaign.db import utcnow

HAL = "application/hal+json"


def hal(doc: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A HAL+JSON answer (never cached by a shared cache: it is per token)."""
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, content_type=f"{HAL}; charset=utf-8")
    response.headers["Cache-Control"] = "private, no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error(status: int, message: str, errors: list[dict[str, str]] | None = None) -> Response:
    """An OSDI-style error: ``{"error": "…", "errors": [{"field": …, "message": …}]}``."""
    doc: dict[str, Any] = {"error": message}
    if errors:
        doc["errors"] = errors
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if status == 401 else None
    return hal(doc, status, headers)


def _raw_token() -> str | None:
    """The token from ``OSDI-API-Token`` (as Action Network) or ``Authorization: Bearer``."""
    raw = request.headers.get("OSDI-API-Token")
    if raw:
        return raw.strip()
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def token_required(scope: Scope) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Authenticate the request's token (401), count it against its rate limit (429) and
    check its scope (403). The view then acts as ``api_user()``, with that user's role."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            raw = _raw_token()
            if not raw:
                return error(401, "An API token is required (OSDI-API-Token header).")
            # (a POST's reads then come before SQLite's write lock, as on the public page)
            with db.read_phase():
                caller = tokens.authenticate(db.session, raw)
            if caller is None:
                return error(401, "This API token is not valid, or was revoked.")
            if not ratelimit.allow("API_RATE_LIMIT", "api", f"token:{caller.token_id}"):
                return error(429, "Too many requests for this token; slow down.")
            if scope not in caller.scopes:
                return error(403, f"This token lacks the {scope.value!r} scope.")
            _touch(caller)
            g.api_caller = caller
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _touch(caller: tokens.Caller) -> None:
    """Record the token's last use (at most once a minute), in a short write of its own:
    the request's reads then start afresh, and SQLite never upgrades a read to a write."""
    now = utcnow()
    if not tokens.needs_touch(caller.last_used_at, now):
        return
    db.session.rollback()
    mark = db.write_intent.set(True)
    try:
        tokens.touch(db.session, caller.token_id, now)
        db.session.commit()
    except Exception:  # a busy database must not refuse a read: the time is a courtesy
        db.session.rollback()
        current_app.logger.warning("Could not record the last use of API token %s", caller.token_id)
    finally:
        db.write_intent.reset(mark)


def caller() -> tokens.Caller:
    """Who the request's token acts for."""
    return g.api_caller


def acting_user() -> User:
    """The token's user, loaded (for the writes that record who did them)."""
    return db.session.get(User, caller().user_id)


def sees_contacts() -> bool:
    """Email addresses and phone numbers are for coordinators' tokens only."""
    return caller().has_role(Role.COORDINATOR)
