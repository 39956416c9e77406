"""Two databases with the same rows, to compare what each search finds on each.

A fresh SQLite file and, when a PostgreSQL server answers (CAMPAIGN_TEST_DATABASE_URL,
else 127.0.0.1:5432), a scratch PostgreSQL database beside it, both built by the
migrations. Without a server the comparison is skipped, and the expectations are
checked on SQLite alone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.migrate import upgrade
from tests.servers import scratch_database

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/campaign_test"


def _pg_url() -> str | None:
    url = os.environ.get("CAMPAIGN_TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return LOCAL_PG
    except OSError:
        return None


def seed_letter(session: Session) -> int:
    """A campaign, a letter and its first version; returns the letter's id."""
    from campaign.campaigns.models import Campaign
    from campaign.letters.models import Letter, LetterVersion

    campaign = Campaign(name="Search", slug="search")
    session.add(campaign)
    session.flush()
    deadline = datetime.now(UTC) + timedelta(days=30)
    letter = Letter(
        campaign_id=campaign.id, title="Letter", slug="letter", deadline_at=deadline,
        deadline_tz="UTC",
    )  # fmt: skip
    session.add(letter)
    session.flush()
    session.add(LetterVersion(letter_id=letter.id, number=1, body="x", sha256="0" * 64))
    session.flush()
    return letter.id


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, sa.Engine]]:
    """{"sqlite": engine, "postgresql": engine (when a server answers)}, both migrated."""
    folder = tmp_path_factory.mktemp("search")
    engines = {}
    sqlite_url = f"sqlite:///{folder / 'search.sqlite3'}"
    upgrade(sqlite_url)
    engines["sqlite"] = make_engine(sqlite_url)
    pg = _pg_url()
    if pg is None:
        yield engines
        engines["sqlite"].dispose()
        return
    with scratch_database(folder, pg, suffix="_search") as url:
        upgrade(url)
        engines["postgresql"] = make_engine(url)
        try:
            yield engines
        finally:
            for engine in engines.values():
                engine.dispose()
