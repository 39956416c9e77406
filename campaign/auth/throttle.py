"""Login throttling that slows guessing without letting anyone lock an account out.

Three counters of failed logins, in Flask-Limiter's storage (Redis in production):

- per account *and* client address (``LOGIN_RATE_LIMIT``): past it, that address gets
  429 for that account, even with the right password;
- per client address (``LOGIN_ADDRESS_RATE_LIMIT``): one address trying many accounts;
- per account, from anywhere (``LOGIN_ACCOUNT_SLOWDOWN``): past it, every attempt on the
  account waits a little longer (doubling, at most ``LOGIN_MAX_DELAY``), but is never
  refused, so an attacker rotating addresses cannot keep the owner out. The owner is
  told by email when the account crosses it.
"""

from __future__ import annotations

import functools
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse, parse_many

from campaign.extensions import limiter

PAIR, ADDRESS, ACCOUNT = "login-account-address", "login-address", "login-account"

# A test replaces this to see the delays without waiting for them.
_sleep = time.sleep


@functools.lru_cache(maxsize=32)
def _items(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


@functools.lru_cache(maxsize=8)
def _counter(limit: str) -> tuple[RateLimitItem, int]:
    # The same window with room to count past the threshold: (counter, threshold).
    item = parse(limit)
    return type(item)(10**9, item.multiples), item.amount


def _ids(*parts: str) -> tuple[str, ...]:
    # The key prefix as Flask-Limiter's own limits carry it (apps sharing one Redis).
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return (prefix, *parts) if prefix else parts


def _account(email: str) -> str:
    return email.strip().lower()[:254]


def refused(email: str) -> bool:
    """True when this client address has failed too often, for this account or overall."""
    if not limiter.enabled:
        return False
    address = get_remote_address()
    pair = _ids(_account(email), address)
    config = current_app.config
    return any(
        not limiter.limiter.test(item, PAIR, *pair) for item in _items(config["LOGIN_RATE_LIMIT"])
    ) or any(
        not limiter.limiter.test(item, ADDRESS, *_ids(address))
        for item in _items(config["LOGIN_ADDRESS_RATE_LIMIT"])
    )


def account_failures(email: str) -> int:
    """Failed logins for this account in the slowdown window, from every address."""
    if not limiter.enabled:
        return 0
    counter, _ = _counter(current_app.config["LOGIN_ACCOUNT_SLOWDOWN"])
    stats = limiter.limiter.get_window_stats(counter, ACCOUNT, *_ids(_account(email)))
    return counter.amount - stats.remaining


def delay_for(failures: int) -> float:
    """Seconds to wait before checking a password for an account with this many failures."""
    _, threshold = _counter(current_app.config["LOGIN_ACCOUNT_SLOWDOWN"])
    if failures < threshold:
        return 0.0
    return float(min(2 ** min(failures - threshold, 16), current_app.config["LOGIN_MAX_DELAY"]))


def slow_down(email: str) -> float:
    """Wait as long as the account's recent failures ask; returns the seconds waited."""
    delay = delay_for(account_failures(email))
    if delay:
        _sleep(delay)
    return delay


def record_failure(email: str) -> bool:
    """Count a failed login; True when the account has just crossed the slowdown threshold
    (its owner should hear of it: once per window)."""
    if not limiter.enabled:
        return False
    address = get_remote_address()
    account = _account(email)
    config = current_app.config
    for item in _items(config["LOGIN_RATE_LIMIT"]):
        limiter.limiter.hit(item, PAIR, *_ids(account, address))
    for item in _items(config["LOGIN_ADDRESS_RATE_LIMIT"]):
        limiter.limiter.hit(item, ADDRESS, *_ids(address))
    counter, threshold = _counter(config["LOGIN_ACCOUNT_SLOWDOWN"])
    limiter.limiter.hit(counter, ACCOUNT, *_ids(account))
    return account_failures(email) == threshold
