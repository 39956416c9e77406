"""Counting rows per day of the coalition's calendar (CAMPAIGN_TIMEZONE), in SQL.

Rows are grouped by UTC hour in the database and the hours put on the coalition's
calendar here: at most 24 groups a day whatever the number of rows, and exact for
every zone whose offset is a whole number of hours (all US zones). Grouping by the
database's date would count an evening sign-on in New York on the next (UTC) day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.clock import coalition_zone


def hour_bucket(session: Session, column) -> sa.ColumnElement:
    """``column`` (a UTC timestamp) truncated to its hour, for a GROUP BY."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.date_trunc("hour", column)
    # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff": the first 13 characters are the
    # hour (substr is several times cheaper than strftime over 100,000 rows)
    return sa.func.substr(sa.type_coerce(column, sa.String), 1, 13)


def bucket_instant(value) -> datetime:
    """The UTC instant of a value ``hour_bucket`` returned."""
    if isinstance(value, str):  # "YYYY-MM-DD HH" (SQLite); much cheaper than strptime
        return datetime(
            int(value[0:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), tzinfo=UTC
        )
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_days(rows: Iterable[tuple[object, int]], tz: str | None = None) -> dict[date, int]:
    """(hour bucket, count) rows summed per date in the coalition's zone (None hours
    are left out: rows without the timestamp)."""
    zone = coalition_zone(tz)
    out: Counter[date] = Counter()
    for hour, n in rows:
        if hour is not None:
            out[bucket_instant(hour).astimezone(zone).date()] += int(n or 0)
    return dict(out)
