"""The coalition's calendar: "today" in its time zone (CAMPAIGN_TIMEZONE).

Due dates are calendar dates written by people in the coalition's zone, so whether a
demand is overdue depends on the date *there*, not on the server's clock or UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from campaign import db

DEFAULT_TIMEZONE = "America/New_York"


def check_timezone(name: str) -> str:
    """``name`` if it is a known IANA zone; a clear error at start-up otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise RuntimeError(
            f"CAMPAIGN_TIMEZONE={name!r} is not a known time zone (e.g. America/New_York)."
        ) from err
    return name


def coalition_zone(tz: str | None = None) -> ZoneInfo:
    """The zone named ``tz``, or the app's CAMPAIGN_TIMEZONE when inside an app context."""
    if tz is None:
        from flask import current_app, has_app_context

        tz = current_app.config.get("TIMEZONE") if has_app_context() else None
    return ZoneInfo(tz or DEFAULT_TIMEZONE)


def now_utc() -> datetime:
    """The current instant (one place, so tests can move the clock)."""
    return db.utcnow()


def set_now(instant: datetime | None) -> None:
    """Make the whole app's clock (``now_utc``, ``db.utcnow``) answer ``instant`` (aware)
    from now on; None: the system clock again. For tests and replays, never for serving."""
    if instant is not None and instant.tzinfo is None:
        raise ValueError("naive datetime given to set_now")
    db.fixed_now[0] = instant


@contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    """The clock answers ``instant`` inside the block (move it with ``set_now``)."""
    before = db.fixed_now[0]
    set_now(instant)
    try:
        yield
    finally:
        db.fixed_now[0] = before


def local_today(tz: str | None = None, now: datetime | None = None) -> date:
    """The date in the coalition's zone at ``now`` (default: this instant)."""
    instant = now or now_utc()
    if instant.tzinfo is None:
        raise ValueError("naive datetime given to local_today")
    return instant.astimezone(coalition_zone(tz)).date()


def local_date(instant: datetime, tz: str | None = None) -> date:
    """The coalition's calendar date of an instant."""
    return instant.astimezone(coalition_zone(tz)).date()


def start_of_day(day: date, tz: str | None = None) -> datetime:
    """Midnight of ``day`` in the coalition's zone, as a UTC instant."""
    zone = coalition_zone(tz)
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
