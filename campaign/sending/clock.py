"""The response clock: due dates in business days (weekends and US federal holidays off)
or calendar days, extended with a reason, paused while the coalition owes the agency
something.

Dates are the coalition's calendar dates (``campaign.core.clock.local_today``): whether a
day has passed is decided in its time zone, never in UTC or the server's.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

BUSINESS = "business"
CALENDAR = "calendar"
UNITS = (BUSINESS, CALENDAR)


@lru_cache(maxsize=64)
def _federal(year: int) -> frozenset[date]:
    # observed days included: a holiday on a Saturday is off on the Friday before
    return frozenset(holidays.country_holidays("US", years=year, observed=True).keys())


def is_federal_holiday(day: date) -> bool:
    """A US federal holiday (or the weekday it is observed on)."""
    return day in _federal(day.year)


def is_business_day(day: date) -> bool:
    """Monday to Friday, and not a federal holiday."""
    return day.weekday() < 5 and not is_federal_holiday(day)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts)."""
    day, left = start, max(0, days)
    while left:
        day += timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day)
    return count


def check_unit(unit: str | None) -> str:
    """``unit`` if it is "business" or "calendar"; a clear error otherwise."""
    if unit not in UNITS:
        raise ValueError(f"The response clock counts business or calendar days, not {unit!r}.")
    return unit


def due_date(sent_on: date, days: int, unit: str = BUSINESS) -> date:
    """When an answer to something sent on ``sent_on`` is due."""
    if check_unit(unit) == CALENDAR:
        return sent_on + timedelta(days=max(0, days))
    return add_business_days(sent_on, days)


def days_between(start: date, end: date, unit: str = BUSINESS) -> int:
    """Days from ``start`` to ``end`` in the clock's unit (0 when end ≤ start)."""
    if check_unit(unit) == CALENDAR:
        return max(0, (end - start).days)
    return business_days_between(start, end)


def days_overdue(due_on: date | None, today: date, unit: str = BUSINESS) -> int:
    """How late an answer is: days after its due date, in the clock's unit."""
    return days_between(due_on, today, unit) if due_on else 0


def shift(due_on: date, paused_from: date, resumed_on: date, unit: str = BUSINESS) -> date:
    """The due date once a pause is over: later by the time the clock stood still."""
    if check_unit(unit) == CALENDAR:
        return due_on + timedelta(days=max(0, (resumed_on - paused_from).days))
    return add_business_days(due_on, business_days_between(paused_from, resumed_on))
