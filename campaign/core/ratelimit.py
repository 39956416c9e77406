"""Per-address limits counted with Flask-Limiter's storage, for the busiest public POST."""

from __future__ import annotations

import functools

from flask import abort, current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from campaign.extensions import limiter


@functools.lru_cache(maxsize=32)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def hit(config_key: str, scope: str) -> None:
    """Count this request against the limits in ``config_key`` ("20 per minute; 200 per
    hour") for its client address; past one of them, 429.

    The counting is Flask-Limiter's own (``limiter.limiter``: its storage, Redis in a
    multi-process deployment, and its strategy). The ``@limiter.limit`` decorator
    would also resolve the route's, blueprint's and application's rules and exemptions
    on every request, which on the public sign-on POST cost more CPU than the Redis
    round trip itself (bench/signon_load.py).
    """
    if not limiter.enabled:
        return
    # The key prefix as Flask-Limiter's own limits carry it (apps sharing one Redis)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    key = (prefix, get_remote_address()) if prefix else (get_remote_address(),)
    for item in _parsed(current_app.config[config_key]):
        if not limiter.limiter.hit(item, scope, *key):
            abort(429)


def allow(config_key: str, scope: str, key: str) -> bool:
    """Count one more against the limits in ``config_key`` for ``key`` (not the client's
    address: e.g. the email address a confirmation goes to); False once past one."""
    if not limiter.enabled:
        return True
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    keys = (prefix, key) if prefix else (key,)
    return all(
        limiter.limiter.hit(item, scope, *keys) for item in _parsed(current_app.config[config_key])
    )
