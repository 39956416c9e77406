"""Main pages and CSV exports at scale: 100,000 sign-ons, 2,000 demands, 10,000
evidence records, a directory of 50,000 organizations.

Usage: .venv/bin/python bench/pages.py [--runs 5] [--sqlite-only]

Fills a fresh SQLite file, and a PostgreSQL database of its own when a server
answers at 127.0.0.1:5432 (created here and dropped at the end), with bulk inserts
(executemany / insert().values, never the ORM row by row). Then, through the Flask
test client logged in as a coordinator:

- times each main page: the median of ``--runs`` requests after one warm-up, beside
  a baseline (the /login page) measured in the same run. Target: every page under
  300 ms on both databases;
- reads each CSV export (streamed) to the end: the median time to the first byte and
  to the last, and rows per second (rows = lines less the header: the bench data
  has no line breaks inside cells).

The last line is ``RESULT <page>_ms_<db>=… max_ms_<db>=… export_s_<db>=…``: pages
only in ``max_ms``, the slowest full export (median seconds) in ``export_s``.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from campaign import create_app, db
from campaign.agencies.models import Agency, AgencyType
from campaign.auth.models import Role
from campaign.auth.services import create_user
from campaign.campaigns.services import create_campaign
from campaign.core.clock import local_today
from campaign.core.states import STATES
from campaign.demands.models import (
    Demand,
    DemandEvent,
    DemandEventKind,
    DemandEvidence,
    DemandStatus,
)
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.evidence.models import EvidenceRecord, EvidenceType
from campaign.followups.models import FollowUp, FollowUpMethod
from campaign.letters.models import LetterStatus
from campaign.letters.services import change_status, create_letter, current_version
from campaign.migrate import upgrade
from campaign.responses.models import (
    Response,
    ResponseChannel,
    ResponseOutcome,
    ResponseStatus,
)
from campaign.signons.models import Level, SignOn, SignOnStatus

SIGNONS = 100_000
DEMANDS = 2_000
EVIDENCE = 10_000
RESPONSES = 3_000
FOLLOW_UPS = 2_000
ORGANIZATIONS = 50_000
CHUNK = 5_000
PASSWORD = "bench password 287g"
TARGET_MS = 300
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

rng = random.Random(287)
VOCAB = [
    "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))
    for _ in range(3000)
] + ["sheriff", "deputies", "profiling", "detention", "jail", "custody", "traffic", "stops"]


# Names people search for: places and kinds of organizations, so that a search of one,
# two or three words, a prefix or a misspelling finds what it would in a real coalition.
PLACES = [
    "Mecklenburg", "Houston", "Austin", "Charlotte", "Raleigh", "Durham", "Atlanta",
    "Savannah", "Phoenix", "Tucson", "Miami", "Orlando", "Tampa", "Dallas", "El Paso",
    "San Antonio", "Nashville", "Memphis", "Denver", "Boston", "Chicago", "Detroit",
    "Newark", "Brooklyn", "Queens", "Oakland", "Fresno", "Salem", "Richmond", "Norfolk",
    "Gwinnett", "Cobb", "Harris", "Travis", "Alamance", "Wake", "Durango", "Yakima",
    "Omaha", "Tulsa", "Wichita", "Boise", "Reno", "Albuquerque", "Las Cruces", "Laredo",
    "McAllen", "Brownsville", "Santa Fe", "Provo",
]  # fmt: skip
KINDS = [
    "Immigrant Rights Coalition", "Justice Project", "Legal Aid Society", "Workers Center",
    "Faith Alliance", "Youth Network", "Community Action Fund", "Families United",
    "Civil Liberties Union", "Interfaith Council", "Dreamers Collective", "Tenants Union",
    "Labor Council", "Refugee Services", "Defense Committee",
]  # fmt: skip
FIRST = [
    "Ana", "Luis", "María", "José", "Jane", "Kim", "Omar", "Fatima", "Wei", "Sam", "Rosa",
    "Ahmed", "Lucía", "David", "Grace", "Pedro", "Aisha", "Tom", "Mei", "Nadia",
]  # fmt: skip
LAST = [
    "Pérez", "Nguyen", "Smith", "García", "O'Brien", "Khan", "Lee", "Hernández", "Johnson",
    "Núñez", "Williams", "Chen", "Patel", "López", "Brown", "Martínez",
]  # fmt: skip


def _org_name(i: int) -> str:
    return f"{PLACES[i % len(PLACES)]} {KINDS[(i // len(PLACES)) % len(KINDS)]} {i}"


def _signon_org_name(i: int) -> str:
    # five sign-ons in a row share a place: one goes to the second letter, four to the first
    return f"{PLACES[(i // 5) % len(PLACES)]} {KINDS[(i // 250) % len(KINDS)]} {i}"


def _person(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"


def _words(n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(model), rows[start : start + CHUNK])


def _ids(session, column, where) -> list[int]:
    return list(session.scalars(sa.select(column).where(where).order_by(column)))


def fill(session) -> dict:
    """Everything the pages show, at the sizes above; returns the ids the pages need."""
    today = local_today()
    coordinator = create_user(
        session, email="coordinator@bench.org", name="Bench Coordinator",
        password=PASSWORD, role=Role.COORDINATOR,
    )  # fmt: skip
    campaign = create_campaign(session, name="End 287(g)", description="Bench.", actor=coordinator)
    deadline = today + timedelta(days=30)
    letters = []
    for title in ("Coalition letter to DHS", "Second letter"):
        letter = create_letter(
            session, campaign, title=title, addressees="The Secretary", body="End 287(g).",
            closing="Sincerely,", sender="The coalition", deadline_on=deadline,
            deadline_time=dtime(17), deadline_tz="America/New_York", actor=coordinator,
        )  # fmt: skip
        change_status(session, letter, LetterStatus.OPEN, actor=coordinator)
        letters.append(letter)
    session.flush()
    versions = {letter.id: current_version(session, letter).id for letter in letters}
    codes = list(STATES)

    # sign-ons: 80% on the first letter, over the last 60 days
    levels = list(Level)
    statuses = [SignOnStatus.CONFIRMED] * 6 + [SignOnStatus.APPROVED] * 3 + [
        SignOnStatus.PENDING, SignOnStatus.REJECTED, SignOnStatus.WITHDRAWN,
    ]  # fmt: skip
    now = datetime.now(UTC)
    rows = []
    for i in range(SIGNONS):
        letter = letters[0] if i % 5 else letters[1]
        level = levels[i % 3]
        status = statuses[i % len(statuses)]
        at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        rows.append({
            "letter_id": letter.id, "version_id": versions[letter.id],
            "org_name": _signon_org_name(i), "org_key": _signon_org_name(i).lower(),
            "level": level,
            "state": "" if level == Level.NATIONAL else codes[i % len(codes)],
            "signer_name": _person(i), "signer_email": f"signer{i % 40_000}@example.org",
            "authorized": True, "keep_informed": i % 4 == 0, "status": status,
            "confirmed_at": at if status != SignOnStatus.PENDING else None, "created_at": at,
            "signed_at": at if status != SignOnStatus.PENDING else None,
        })  # fmt: skip
    _insert(session, SignOn, rows)
    # one in 50 flagged as a probable duplicate of the sign-on before it (the filter's rows)
    session.execute(
        sa.update(SignOn)
        .where(SignOn.id % 50 == 0)
        .values(probable_duplicate_of_id=SignOn.id - 1)
        .execution_options(synchronize_session=False)
    )

    # agencies and demands, one demand per agency, all delivered with the first letter
    _insert(session, Agency, [
        {"name": f"County {i} Sheriff's Office", "key": f"county {i} sheriffs office",
         "state": codes[i % len(codes)], "type": AgencyType.COUNTY,
         "county": PLACES[i % len(PLACES)]}
        for i in range(DEMANDS)
    ])  # fmt: skip
    agency_ids = _ids(session, Agency.id, Agency.name.like("County % Sheriff%"))
    spread = [
        DemandStatus.DRAFT, DemandStatus.SENT, DemandStatus.ACKNOWLEDGED,
        DemandStatus.AWAITING_RESPONSE, DemandStatus.AWAITING_RESPONSE,
        DemandStatus.MEETING_SCHEDULED, DemandStatus.PARTIALLY_MET, DemandStatus.MET,
        DemandStatus.DENIED, DemandStatus.RENEWED, DemandStatus.WITHDRAWN,
    ]  # fmt: skip
    _insert(session, Demand, [
        {"campaign_id": campaign.id, "agency_id": agency_id,
         "addressed_to": "Secretary of Homeland Security",
         "title": f"Terminate the 287(g) agreement of County {i} Sheriff's Office",
         "ask": "Terminate the agreement.", "rationale": _words(60),
         "status": spread[i % len(spread)], "letter_id": letters[0].id,
         "due_on": today + timedelta(days=rng.randint(-90, 60)), "created_by_id": coordinator.id}
        for i, agency_id in enumerate(agency_ids)
    ])  # fmt: skip
    demand_ids = _ids(session, Demand.id, Demand.campaign_id == campaign.id)
    _insert(session, DemandEvent, [
        {"demand_id": d, "user_id": coordinator.id, "kind": kind, "note": "bench",
         "from_status": frm, "to_status": to}
        for d in demand_ids
        for kind, frm, to in (
            (DemandEventKind.CREATED, None, DemandStatus.DRAFT),
            (DemandEventKind.STATUS, DemandStatus.DRAFT, DemandStatus.SENT),
        )
    ])  # fmt: skip

    # evidence, linked to the demands
    types = list(EvidenceType)
    rows = []
    for i in range(EVIDENCE):
        title, summary, citation = _words(8), _words(80), _words(12)
        rows.append({
            "type": types[i % len(types)], "title": title, "summary": summary,
            "citation": citation, "event_on": date(2020, 1, 1) + timedelta(days=i % 2000),
            "agency_id": agency_ids[i % len(agency_ids)] if i % 5 else None,
            "added_by_id": coordinator.id,
        })  # fmt: skip
    _insert(session, EvidenceRecord, rows)
    evidence_ids = _ids(session, EvidenceRecord.id, EvidenceRecord.deleted_at.is_(None))
    _insert(session, DemandEvidence, [
        {"demand_id": d, "evidence_id": evidence_ids[(i * 3 + k) % len(evidence_ids)],
         "note": "Supports the demand.", "linked_by_id": coordinator.id}
        for i, d in enumerate(demand_ids)
        for k in range(2)
    ])  # fmt: skip

    # responses and follow-ups
    _insert(session, Response, [
        {"campaign_id": campaign.id, "demand_id": demand_ids[i % len(demand_ids)],
         "received_on": today - timedelta(days=rng.randint(0, 120)),
         "channel": list(ResponseChannel)[i % len(ResponseChannel)],
         "summary": _words(30), "outcome": ResponseOutcome.NONE,
         "status": ResponseStatus.APPROVED if i % 10 else ResponseStatus.PENDING,
         "logged_by_id": coordinator.id}
        for i in range(RESPONSES)
    ])  # fmt: skip
    _insert(session, FollowUp, [
        {"demand_id": demand_ids[i % len(demand_ids)],
         "done_on": today - timedelta(days=rng.randint(0, 60)), "method": FollowUpMethod.EMAIL,
         "note": "Reminder sent.", "new_due_on": today + timedelta(days=14),
         "by_id": coordinator.id}
        for i in range(FOLLOW_UPS)
    ])  # fmt: skip
    _fill_directory(session, codes, now)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # the steady state autovacuum reaches: statistics, and a visibility map so
        # that counts are answered from the indexes alone
        with session.get_bind().connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    return {
        "slug": campaign.slug,
        "letter_id": letters[0].id,
        "demand_id": demand_ids[3],
        "agency_id": agency_ids[0],
        "coordinator_email": coordinator.email,
    }


def _fill_directory(session, codes: list[str], now: datetime) -> None:
    """Organizations with no contact (1 in 10), two (1 in 10) or one; some unsubscribed."""
    levels = list(Level)
    _insert(session, Organization, [
        {"name": f"Member {_org_name(i)}", "key": f"member {_org_name(i).lower()}",
         "level": levels[i % 3], "state": "" if i % 3 == 0 else codes[i % len(codes)],
         "city": "Springfield" if i % 2 else "", "notes": _words(6) if i % 4 == 0 else ""}
        for i in range(ORGANIZATIONS)
    ])  # fmt: skip
    org_ids = _ids(session, Organization.id, Organization.name.like("Member %"))
    holders = [
        (org_id, k) for i, org_id in enumerate(org_ids) if i % 10 for k in range(1 + (i % 5 == 0))
    ]
    _insert(session, Contact, [
        {"name": _person(n), "title": "Director", "email": f"contact{n}@member.example.org",
         "phone": "555-0100" if n % 3 else "", "unsubscribed_at": now if n % 7 == 0 else None}
        for n in range(len(holders))
    ])  # fmt: skip
    contact_ids = _ids(session, Contact.id, Contact.email.like("contact%@member.example.org"))
    _insert(session, organization_contacts, [
        {"organization_id": org_id, "contact_id": contact_id}
        for (org_id, _), contact_id in zip(holders, contact_ids, strict=True)
    ])  # fmt: skip


def pages(app, ids: dict) -> dict[str, str]:
    """The pages to time: name → URL (optional features only when this build has them)."""
    slug = ids["slug"]
    urls = {
        "campaign": f"/campaigns/{slug}",
        "dashboard": f"/campaigns/{slug}/dashboard",
        "letter": f"/campaigns/{slug}/letters/{ids['letter_id']}",
        "demands": f"/campaigns/{slug}/demands",
        "demand": f"/campaigns/{slug}/demands/{ids['demand_id']}",
        "evidence": "/evidence",
        "evidence_search": "/evidence?q=profiling+custody",
        "overdue": f"/campaigns/{slug}/overdue",
        "overdue_all": "/overdue",
        "responses": f"/campaigns/{slug}/responses",
    }
    values = {"slug": slug, "campaign_slug": slug, "letter_id": ids["letter_id"]}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            name = rule.endpoint.split(".")[0]
            if name not in ("review", "agencies") or "GET" not in rule.methods:
                continue
            if not set(rule.arguments) <= values.keys():
                continue
            if rule.rule.endswith(".csv"):
                continue  # timed by exports()
            key = rule.endpoint.replace(".", "_")
            urls.setdefault(key, url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
        if "review_index" in urls:
            # what coordinators do on that page: search, and look at the probable duplicates
            urls["review_search"] = urls["review_index"] + "?q=coalition"
            urls["review_flagged"] = urls["review_index"] + "?flagged=1"
    lists = {"review": urls.get("review_index"), "directory": "/directory",
             "evidence": "/evidence", "agencies": "/agencies"}  # fmt: skip
    for kind, words in SEARCHES.items():
        if lists[kind]:
            for label, q in zip(SEARCH_LABELS, words, strict=True):
                urls[f"{kind}_search_{label}"] = f"{lists[kind]}?{urlencode({'q': q})}"
    return urls


# What is typed into each list's search box: 1, 2 and 3 words, a prefix, a misspelling
SEARCH_LABELS = ("1w", "2w", "3w", "prefix", "typo")
SEARCHES = {
    "review": ("coalition", "houston coalition", "houston immigrant rights", "mecklen",
               "mecklenberg"),
    "directory": ("justice", "charlotte justice", "charlotte justice project", "raleig",
                  "mecklenberg"),
    "evidence": ("profiling", "profiling custody", "sheriff deputies profiling", "profil",
                 "profilling"),
    "agencies": ("sheriff", "mecklenburg sheriff", "mecklenburg county sheriff", "meck",
                 "mecklenberg"),
}  # fmt: skip
SEARCH_TARGET_MS = 50
SEARCH_TARGET_RATIO = 1.5


def _search_once(kind: str, q: str, ids: dict) -> int:
    """What the list's view does for a search, without the page around it: the count
    (capped where the list caps it) and one page of rows; near spellings when the words
    find nothing. Returns the number of rows counted."""
    from campaign.agencies.services import AgencyFilters, agency_query
    from campaign.core.pagination import paginate
    from campaign.directory import queries as directory
    from campaign.evidence.search import evidence_query, resolve_search
    from campaign.letters.models import Letter
    from campaign.review import queries as review

    session = db.session
    if kind == "review":
        letter = session.get(Letter, ids["letter_id"])
        filters = review.SignOnFilters(q=q)
        total, more = review.matching_count(session, letter, filters, None)
        if not total:
            filters = review.with_search(session, filters)
            total, more = review.matching_count(session, letter, filters, None)
        session.scalars(review.ordered_ids(letter, filters, many=more).limit(50)).all()
        return total
    if kind == "directory":
        filters = directory.DirectoryFilters(q=q)
        total, _ = directory.matching_count(session, filters)
        if not total:
            filters = filters.with_search(session)
            total, _ = directory.matching_count(session, filters)
        session.execute(directory.filtered_query(filters).limit(50)).all()
        return total
    if kind == "evidence":
        total = paginate(session, evidence_query(q=q), page=1).total
        if not total:
            total = paginate(session, evidence_query(q=q, search=resolve_search(session, q)),
                             page=1).total  # fmt: skip
        return total
    filters = AgencyFilters(q=q)
    total = paginate(session, agency_query(filters), page=1).total
    if not total:
        total = paginate(session, agency_query(filters.with_search(session)), page=1).total
    return total


def time_searches(app, ids: dict, runs: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds of each search alone (``_search_once``), and its count."""
    out = {}
    with app.app_context():
        for kind, words in SEARCHES.items():
            for label, q in zip(SEARCH_LABELS, words, strict=True):
                samples = []
                for i in range(runs + 1):
                    begin = time.perf_counter()
                    total = _search_once(kind, q, ids)
                    elapsed = (time.perf_counter() - begin) * 1000
                    db.session.remove()
                    if i:
                        samples.append(elapsed)
                out[f"{kind}_search_{label}"] = (statistics.median(samples), total)
    return out


def exports(app, ids: dict) -> dict[str, str]:
    """The CSV exports to read in full: name → URL."""
    values = {"slug": ids["slug"], "campaign_slug": ids["slug"], "letter_id": ids["letter_id"]}
    urls = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            name = rule.endpoint.split(".")[0]
            if name not in ("review", "agencies", "directory") or "GET" not in rule.methods:
                continue
            if rule.rule.endswith(".csv") and set(rule.arguments) <= values.keys():
                args = {a: values[a] for a in rule.arguments}
                urls[rule.endpoint.replace(".", "_")] = url_for(rule.endpoint, **args)
    return urls


def read_export(client, url: str) -> tuple[float, float, int]:
    """Seconds to the first byte and to the last, and rows, of one streamed download."""
    begin = time.perf_counter()
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    chunks = iter(response.response)
    first = next(chunks)
    ttfb = time.perf_counter() - begin
    lines = first.count(b"\n")
    for chunk in chunks:
        lines += chunk.count(b"\n")
    response.close()
    return ttfb, time.perf_counter() - begin, lines - 1


def time_pages(url: str, runs: int) -> tuple[dict[str, float], dict[str, tuple], dict]:
    """Median milliseconds per page (and the baseline) on the database at ``url``, per
    export the median seconds to the first byte and to the last, and its rows, and per
    search its median milliseconds alone and its count."""
    instance = tempfile.mkdtemp(prefix="bench-pages-")
    app = create_app({
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
    })  # fmt: skip
    with app.app_context():
        start = time.perf_counter()
        ids = fill(db.session)
        db.session.remove()
        print(f"  filled in {time.perf_counter() - start:.1f} s")
    client = app.test_client()
    login = client.post("/login", data={"email": ids["coordinator_email"], "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    results: dict[str, float] = {}
    for name, page in {"baseline": "/login", **pages(app, ids)}.items():
        samples = []
        for i in range(runs + 1):
            begin = time.perf_counter()
            response = client.get(page)
            elapsed = (time.perf_counter() - begin) * 1000
            assert response.status_code == (302 if name == "baseline" else 200), (page, response)
            if i:  # the first request is the warm-up
                samples.append(elapsed)
        results[name] = statistics.median(samples)
    downloads: dict[str, tuple] = {}
    for name, url in exports(app, ids).items():
        read_export(client, url)  # warm-up
        samples = [read_export(client, url) for _ in range(max(1, runs))]
        downloads[name] = (
            statistics.median(s[0] for s in samples),
            statistics.median(s[1] for s in samples),
            samples[0][2],
        )
    searches = time_searches(app, ids, runs)
    db.get_engine(app).dispose()
    return results, downloads, searches


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()

    all_results: dict[str, dict[str, float]] = {}
    all_exports: dict[str, dict[str, tuple]] = {}
    all_searches: dict[str, dict[str, tuple]] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-db-"))
    sqlite_url = f"sqlite:///{folder / 'pages.sqlite3'}"
    print(f"SQLite ({SIGNONS:,} sign-ons, {DEMANDS:,} demands, {EVIDENCE:,} evidence records)")
    upgrade(sqlite_url)
    all_results["sqlite"], all_exports["sqlite"], all_searches["sqlite"] = time_pages(
        sqlite_url, args.runs
    )

    if not args.sqlite_only and _postgres_up():
        name = f"campaign_bench_pages_{os.getpid()}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        pg_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        try:
            print("PostgreSQL")
            upgrade(pg_url)
            all_results["postgres"], all_exports["postgres"], all_searches["postgres"] = time_pages(
                pg_url, args.runs
            )
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    elif args.sqlite_only:
        print("PostgreSQL: skipped (--sqlite-only)")
    else:
        print("PostgreSQL: not reachable at 127.0.0.1:5432, skipped")

    print()
    print("pages: median ms, and the ratio to the campaign page measured in the same run")
    print(f"{'page':26}" + "".join(f"{db_name:>22}" for db_name in all_results))
    names = list(next(iter(all_results.values())))
    for name in names:
        cells = []
        for results in all_results.values():
            ms = results.get(name)
            ratio = ms / results["campaign"] if ms is not None else 0
            cells.append(f"{ms:9.1f} ms {ratio:6.2f}x" if ms is not None else f"{'—':>20}")
        print(f"{name:26}" + "".join(f"{c:>22}" for c in cells))
    print()
    print("searches alone (count + one page of rows): median ms, rows counted")
    print(f"{'search':26}" + "".join(f"{db_name:>22}" for db_name in all_searches))
    for name in next(iter(all_searches.values())):
        cells = [f"{s[name][0]:9.1f} ms {s[name][1]:>8,}" for s in all_searches.values()]
        print(f"{name:26}" + "".join(f"{c:>22}" for c in cells))
    print()
    print(f"{'export':28}{'db':>10}{'rows':>9}{'first byte':>13}{'total':>10}{'rows/s':>10}")
    for db_name, downloads in all_exports.items():
        for name, (ttfb, total, rows) in downloads.items():
            print(
                f"{name:28}{db_name:>10}{rows:>9,}{ttfb * 1000:>10.1f} ms"
                f"{total:>8.2f} s{rows / total:>10,.0f}"
            )
    print()
    parts = []
    for db_name, results in all_results.items():
        parts += [f"{k}_ms_{db_name}={v:.1f}" for k, v in results.items()]
        parts += [
            f"{k}_ratio_{db_name}={v / results['campaign']:.2f}"
            for k, v in results.items()
            if k not in ("baseline", "campaign")
        ]
    for db_name, searches in all_searches.items():
        parts += [f"{k}_alone_ms_{db_name}={v[0]:.1f}" for k, v in searches.items()]
    for db_name, results in all_results.items():
        worst = max(v for k, v in results.items() if k != "baseline")
        parts.append(f"max_ms_{db_name}={worst:.1f}")
        verdict = "under" if worst < TARGET_MS else "OVER"
        print(f"{db_name}: slowest page {worst:.1f} ms, {verdict} the {TARGET_MS} ms target")
        search_pages = {k: v / results["campaign"] for k, v in results.items() if "_search" in k}
        name, ratio = max(search_pages.items(), key=lambda item: item[1])
        parts.append(f"max_search_ratio_{db_name}={ratio:.2f}")
        verdict = "within" if ratio <= SEARCH_TARGET_RATIO else "OVER"
        print(
            f"{db_name}: slowest search page {name}, {ratio:.2f} x the campaign page, "
            f"{verdict} the {SEARCH_TARGET_RATIO} x target"
        )
        name, (ms, _) = max(all_searches[db_name].items(), key=lambda item: item[1][0])
        parts.append(f"max_search_ms_{db_name}={ms:.1f}")
        verdict = "under" if ms <= SEARCH_TARGET_MS else "OVER"
        target = f"{verdict} the {SEARCH_TARGET_MS} ms target"
        print(f"{db_name}: slowest search {name}, {ms:.1f} ms, {target}")
    for db_name, downloads in all_exports.items():
        if downloads:
            name, (_, worst_s, rows) = max(downloads.items(), key=lambda item: item[1][1])
            parts.append(f"export_s_{db_name}={worst_s:.2f}")
            print(f"{db_name}: slowest export {name}, {rows:,} rows in {worst_s:.2f} s")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    parts.append(f"load_avg={load[0]:.2f}")
    print("RESULT " + " ".join(parts))


if __name__ == "__main__":
    main()
