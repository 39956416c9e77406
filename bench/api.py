"""The API's signatures collection at 100,000 sign-ons: 100 per page, and an incremental sync
by ``modified_date``, beside the HTML review list on the same data.

Usage: .venv/bin/python bench/api.py [--samples 200] [--sqlite-only]

Fills a fresh SQLite file, and a PostgreSQL database of its own when a server answers at
127.0.0.1:5432 (created here and dropped at the end), with one letter of 100,000 sign-ons
(bulk inserts), a coordinator and an API token. Then, through the Flask test client:

- ``page``: ``GET /api/v1/petitions/<id>/signatures?per_page=100&page=N`` for pages drawn
  across all 1,000 (deep ones included: a page's ids come from an index alone);
- ``sync``: a partner's incremental sync, every page of
  ``filter=modified_date gt '<t>'`` where 5,000 sign-ons changed after ``t``;
- ``review``: the coordinators' HTML review list (50 per page) on the same pages;
- ``baseline``: the API's entry point (token check and a small answer), in the same run.

Each is timed per request after one warm-up; the tables give p50 and p99 in milliseconds
and the ratio of p50 to the baseline's. Target: p99 under 100 ms per API page. The machine
is shared: the load average at the start and end is printed beside the figures.

The last line is ``RESULT p99_ms_sqlite=… p99_ms_postgres=… …`` (page p99 first, then
p50s, the sync and the review list).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from campaign import create_app, db
from campaign.api.tokens import create_token
from campaign.auth.models import Role
from campaign.auth.services import create_user
from campaign.campaigns.services import create_campaign
from campaign.core.clock import local_today
from campaign.core.states import STATES
from campaign.letters.models import LetterStatus
from campaign.letters.services import change_status, create_letter, current_version
from campaign.migrate import upgrade
from campaign.signons.models import Level, SignOn, SignOnStatus

SIGNONS = 100_000
CHANGED = 5_000  # sign-ons modified after the partner's last sync
PER_PAGE = 100
CHUNK = 5_000
PASSWORD = "bench password 287g"
TARGET_MS = 100
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
rng = random.Random(19)


def fill(session) -> dict:
    """One open letter with ``SIGNONS`` sign-ons, a coordinator and a token."""
    coordinator = create_user(
        session, email="coordinator@bench.org", name="Bench Coordinator",
        password=PASSWORD, role=Role.COORDINATOR,
    )  # fmt: skip
    campaign = create_campaign(session, name="End 287(g)", description="Bench.", actor=coordinator)
    letter = create_letter(
        session, campaign, title="Coalition letter to DHS", addressees="The Secretary",
        body="End 287(g).", closing="Sincerely,", sender="The coalition",
        deadline_on=local_today() + timedelta(days=30), deadline_time=dtime(17),
        deadline_tz="America/New_York", actor=coordinator,
    )  # fmt: skip
    change_status(session, letter, LetterStatus.OPEN, actor=coordinator)
    session.flush()
    version_id = current_version(session, letter).id
    codes = list(STATES)
    levels = list(Level)
    statuses = [SignOnStatus.CONFIRMED] * 6 + [SignOnStatus.APPROVED] * 3 + [
        SignOnStatus.PENDING, SignOnStatus.REJECTED, SignOnStatus.WITHDRAWN,
    ]  # fmt: skip
    now = datetime.now(UTC)
    since = now - timedelta(days=1)  # the partner's last sync
    rows = []
    for i in range(SIGNONS):
        level, status = levels[i % 3], statuses[i % len(statuses)]
        at = now - timedelta(days=2, minutes=rng.randint(0, 60 * 24 * 60))
        # the last CHANGED rows were modified since the partner's last sync
        changed = since + timedelta(seconds=i) if i >= SIGNONS - CHANGED else at
        rows.append({
            "letter_id": letter.id, "version_id": version_id,
            "org_name": f"Organization {i}", "org_key": f"organization {i}", "level": level,
            "state": "" if level == Level.NATIONAL else codes[i % len(codes)],
            "signer_name": f"Signer {i}", "signer_title": "Director",
            "signer_email": f"signer{i}@example.org", "authorized": True,
            "status": status, "confirmed_at": at if status != SignOnStatus.PENDING else None,
            "created_at": at, "updated_at": changed,
            "signed_at": at if status != SignOnStatus.PENDING else None,
        })  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(SignOn), rows[start : start + CHUNK])
    _, token = create_token(session, coordinator, name="bench", scopes=["read"])
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("ANALYZE"))
        session.commit()
    return {
        "letter_id": letter.id, "slug": campaign.slug, "token": token,
        "since": since.isoformat().replace("+00:00", "Z"),
    }  # fmt: skip


def percentile(samples: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _timed(client, url: str, headers: dict[str, str], expect: int = 200) -> float:
    begin = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - begin) * 1000
    assert response.status_code == expect, (url, response.status_code)
    return elapsed


def measure(url: str, samples: int) -> dict[str, list[float]]:
    """Milliseconds per request, by what was asked, on the database at ``url``."""
    instance = tempfile.mkdtemp(prefix="bench-api-")
    app = create_app({
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        start = time.perf_counter()
        ids = fill(db.session)
        db.session.remove()
        print(f"  filled in {time.perf_counter() - start:.1f} s")
    api = app.test_client(use_cookies=False)
    auth = {"OSDI-API-Token": ids["token"]}
    base = f"/api/v1/petitions/{ids['letter_id']}/signatures"
    pages = SIGNONS // PER_PAGE
    numbers = [1, pages] + [rng.randint(1, pages) for _ in range(samples - 2)]
    out: dict[str, list[float]] = {"baseline": [], "page": [], "sync": [], "review": []}
    _timed(api, "/api/v1/", auth)  # warm-ups
    _timed(api, f"{base}?per_page={PER_PAGE}", auth)
    for _ in range(samples):
        out["baseline"].append(_timed(api, "/api/v1/", auth))
    for n in numbers:
        out["page"].append(_timed(api, f"{base}?per_page={PER_PAGE}&page={n}", auth))
    since = quote(f"modified_date gt '{ids['since']}'")
    sync_pages = -(-CHANGED // PER_PAGE)
    for _round in range(max(1, samples // sync_pages)):
        for n in range(1, sync_pages + 1):
            out["sync"].append(
                _timed(api, f"{base}?per_page={PER_PAGE}&page={n}&filter={since}", auth)
            )
    browser = app.test_client()
    login = browser.post("/login", data={"email": "coordinator@bench.org", "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    review = f"/campaigns/{ids['slug']}/letters/{ids['letter_id']}/signons"
    _timed(browser, review, {})
    review_pages = SIGNONS // 50
    for _ in range(samples):
        page = rng.randint(1, review_pages)
        out["review"].append(_timed(browser, f"{review}?page={page}", {}))
    db.get_engine(app).dispose()
    return out


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {_load()}")
    results: dict[str, dict[str, list[float]]] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-api-db-"))
    sqlite_url = f"sqlite:///{folder / 'api.sqlite3'}"
    print(f"SQLite ({SIGNONS:,} sign-ons on one letter)")
    upgrade(sqlite_url)
    results["sqlite"] = measure(sqlite_url, args.samples)
    if not args.sqlite_only and _postgres_up():
        name = f"campaign_bench_api_{os.getpid()}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        pg_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        try:
            print("PostgreSQL")
            upgrade(pg_url)
            results["postgres"] = measure(pg_url, args.samples)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        print("PostgreSQL: skipped")
    print(f"load average at end: {_load()}")
    print()
    print(f"{'request':12}{'db':>10}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'p50/baseline':>14}")
    result = {}
    for db_name, found in results.items():
        base = statistics.median(found["baseline"])
        for what, samples in found.items():
            p50, p99 = percentile(samples, 50), percentile(samples, 99)
            print(f"{what:12}{db_name:>10}{len(samples):>6}{p50:>10.1f}{p99:>10.1f}"
                  f"{p50 / base:>13.1f}x")  # fmt: skip
            result[f"{what}_p50_ms_{db_name}"] = p50
            result[f"{what}_p99_ms_{db_name}"] = p99
    print()
    for db_name in results:
        worst = max(result[f"page_p99_ms_{db_name}"], result[f"sync_p99_ms_{db_name}"])
        verdict = "met" if worst < TARGET_MS else "MISSED"
        print(f"target p99 < {TARGET_MS} ms per API page on {db_name}: {verdict} ({worst:.1f} ms)")
    head = [f"p99_ms_{d}={result[f'page_p99_ms_{d}']:.1f}" for d in results]
    rest = [
        f"{key}={value:.1f}" for key, value in result.items() if not key.startswith("baseline_p99")
    ]
    print("RESULT " + " ".join(head + rest) + f" load={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
