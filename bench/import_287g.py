"""Import time of ICE's participating-2026-05-18.xlsx (1,843 rows).

Measures, median of 3 runs each:
- baseline: parsing the workbook alone (openpyxl + cleaning, no database);
- import: the file into an empty, freshly migrated database;
- reimport: the same file again into the full database (forced, so the whole
  comparison runs: zero agreements change, a new snapshot and its observations are written).

On SQLite (a temporary file) and on PostgreSQL when reachable (it creates and drops its
own database; CAMPAIGN_BENCH_PG_URL points at the server, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres). Target: under 3 s each.

    .venv/bin/python bench/import_287g.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.ice_workbook import parse_workbook
from campaign.agencies.importer import import_workbook
from campaign.db import make_engine
from campaign.migrate import upgrade

FILE = ICE_DATA_DIR / "participating-2026-05-18.xlsx"
RUNS = 3
PG_SERVER = os.environ.get(
    "CAMPAIGN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _median(fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(RUNS))


def _import_once(url: str, data: bytes, *, force: bool) -> tuple[float, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            start = time.perf_counter()
            report = import_workbook(session, data, file_name=FILE.name, force=force)
            session.commit()
            elapsed = time.perf_counter() - start
        return elapsed, report.rows_read
    finally:
        engine.dispose()


def _measure(make_db: Callable[[], str], drop_db: Callable[[str], None]) -> tuple[float, float]:
    data = FILE.read_bytes()
    imports, reimports = [], []
    for _ in range(RUNS):
        url = make_db()
        try:
            upgrade(url)
            elapsed, rows = _import_once(url, data, force=False)
            assert rows == 1843, rows
            imports.append(elapsed)
            reimports.append(_import_once(url, data, force=True)[0])
        finally:
            drop_db(url)
    return statistics.median(imports), statistics.median(reimports)


def _sqlite() -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp(prefix="bench-287g-"))

    def make() -> str:
        return f"sqlite:///{folder / (uuid.uuid4().hex + '.sqlite3')}"

    def drop(url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    return _measure(make, drop)


def _postgres() -> tuple[float, float] | None:
    server = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as err:  # no server: report and skip
        print(f"PostgreSQL not reachable ({type(err).__name__}); skipped.")
        return None

    def make() -> str:
        name = f"bench_287g_{uuid.uuid4().hex[:10]}"
        with server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return server.url.set(database=name).render_as_string(hide_password=False)

    def drop(url: str) -> None:
        name = sa.make_url(url).database
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        return _measure(make, drop)
    finally:
        server.dispose()


def _line(label: str, seconds: float, baseline: float) -> None:
    print(f"{label:<29}{seconds:6.2f} s  ({seconds / baseline:4.2f}× parse only)")


def main() -> None:
    data = FILE.read_bytes()
    parse_workbook(data)  # warm imports (openpyxl, rapidfuzz) out of the timings

    def parse_once() -> float:
        start = time.perf_counter()
        parse_workbook(data)
        return time.perf_counter() - start

    baseline = _median(parse_once)
    print(f"{FILE.name}: {len(data):,} bytes, 1,843 rows; median of {RUNS} runs")
    print(f"{'baseline (parse only)':<29}{baseline:6.2f} s")
    results = {"parse_s": baseline}
    import_s, reimport_s = _sqlite()
    results.update(import_s_sqlite=import_s, reimport_s_sqlite=reimport_s)
    _line("SQLite   import (empty db)", import_s, baseline)
    _line("SQLite   re-import (full db)", reimport_s, baseline)
    pg = _postgres()
    if pg is not None:
        import_s, reimport_s = pg
        results.update(import_s_postgres=import_s, reimport_s_postgres=reimport_s)
        _line("Postgres import (empty db)", import_s, baseline)
        _line("Postgres re-import (full db)", reimport_s, baseline)
    worst = max(v for k, v in results.items() if k != "parse_s")
    print(f"target: under 3 s each — {'met' if worst < 3 else 'NOT met'} (slowest {worst:.2f} s)")
    print("RESULT " + " ".join(f"{k}={v:.2f}" for k, v in results.items()))


if __name__ == "__main__":
    main()
