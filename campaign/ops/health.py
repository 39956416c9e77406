"""``/healthz`` (the process answers) and ``/readyz`` (its database and Redis answer).

Both are cheap, unauthenticated and left out of the request log and of rate limits
(no limit applies to them), so that a load balancer or an orchestrator may poll them
every few seconds. Neither says more than which dependency failed.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from campaign import db

bp = Blueprint("ops", __name__)
log = logging.getLogger("campaign.ops")

# Paths the request log and the request metrics leave out.
QUIET_ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})


@bp.get("/healthz")
def healthz():
    """The process is up and serving requests (touches nothing else)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The database answers, and Redis does when rate limits are kept there; else 503."""
    checks = {"database": _database_answers(), "redis": _limiter_storage_answers()}
    failed = [name for name, ok in checks.items() if ok is False]
    body = {name: ("ok" if ok else "down") for name, ok in checks.items() if ok is not None}
    body["status"] = "ready" if not failed else "unavailable"
    return jsonify(body), 503 if failed else 200


def _database_answers() -> bool:
    try:
        with db.get_engine(current_app).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except Exception as exc:  # any failure means "not ready"; the log says why
        log.warning("readyz: database: %s", type(exc).__name__)
        return False


def _limiter_storage_answers() -> bool | None:
    """None when rate limits are counted in memory (nothing to reach)."""
    from campaign.extensions import limiter

    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory://") or not limiter.enabled:
        return None
    try:
        return bool(limiter.storage.check())
    except Exception as exc:
        log.warning("readyz: rate-limit storage: %s", type(exc).__name__)
        return False
