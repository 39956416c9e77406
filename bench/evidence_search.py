"""Evidence word search at 10,000 records: list page (COUNT + 50 rows) timings.

Usage: .venv/bin/python bench/evidence_search.py [DATABASE_URL]
Without a URL it uses a fresh SQLite file; a PostgreSQL URL is wiped first
(point it at a scratch database). The baseline is the unfiltered list page.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from campaign.agencies.models import Agency, AgencyType
from campaign.core.pagination import paginate
from campaign.db import make_engine
from campaign.evidence.models import EvidenceRecord, EvidenceType
from campaign.evidence.search import evidence_query, search_text_for
from campaign.migrate import upgrade

RECORDS = 10_000
AGENCIES = 600
RUNS = 7
STATES = ["FL", "TX", "GA", "NC", "AZ", "TN", "VA", "OK", "LA", "SC"]
rng = random.Random(287)
VOCAB = [
    "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))
    for _ in range(3000)
] + ["sheriff", "deputies", "profiling", "detention", "jail", "custody", "traffic", "stops"]


def _words(n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def _reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    upgrade(url)


def _fill(session: Session) -> None:
    agencies = [
        Agency(
            name=f"Agency {i} Sheriff's Office",
            key=f"agency {i} sheriffs office",
            state=STATES[i % len(STATES)],
            type=AgencyType.COUNTY,
        )
        for i in range(AGENCIES)
    ]
    session.add_all(agencies)
    session.flush()
    types = list(EvidenceType)
    rows = []
    for i in range(RECORDS):
        title, summary, citation = _words(8), _words(80), _words(12)
        rows.append(
            {
                "type": types[i % len(types)],
                "title": title,
                "summary": summary,
                "citation": citation,
                "event_on": date(2020, 1, 1) + timedelta(days=i % 2000),
                "agency_id": agencies[i % AGENCIES].id if i % 5 else None,
                # a record keeps its agency's state (every tenth without one: a state only)
                "state": agencies[i % AGENCIES].state if i % 5 or i % 10 == 5 else None,
                "search_text": search_text_for(title, summary, citation),
            }
        )
    session.execute(sa.insert(EvidenceRecord), rows)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("ANALYZE evidence_records"))
        session.commit()


def _time(session: Session, **filters) -> tuple[float, int]:
    samples, total = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        query = evidence_query(**filters).options(joinedload(EvidenceRecord.agency))
        page = paginate(session, query, page=1, per_page=50)
        samples.append(time.perf_counter() - start)
        total = page.total
        session.expunge_all()
    return statistics.median(samples) * 1000, total


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    _reset(url)
    engine = make_engine(url)
    with Session(engine) as session:
        start = time.perf_counter()
        _fill(session)
        print(
            f"filled {RECORDS} records in {time.perf_counter() - start:.1f} s",
            f"({engine.dialect.name})",
        )
        cases = {
            "baseline": {},
            "one_word": {"q": "profiling"},
            "three_words": {"q": "sheriff jail custody"},
            "rare_word": {"q": VOCAB[17]},
            "prefix_fragment": {"q": "prof"},
            "word_state_type": {"q": "detention", "state": "TX", "type": EvidenceType.LAWSUIT},
        }
        results = {}
        for name, filters in cases.items():
            ms, total = _time(session, **filters)
            results[name] = ms
            print(f"{name:16} {ms:8.1f} ms median of {RUNS}  ({total} matches)")
    base = results["baseline"]
    worst = max(v for k, v in results.items() if k != "baseline")
    print(f"worst search / baseline = {worst / base:.1f}x")
    print(
        f"RESULT db={engine.dialect.name} records={RECORDS} baseline_ms={base:.1f} "
        + " ".join(f"{k}_ms={v:.1f}" for k, v in results.items() if k != "baseline")
        + f" worst_ratio={worst / base:.1f}"
    )


if __name__ == "__main__":
    main()
