"""Sign-on POSTs per second and latency against gunicorn (2 sync workers), beside a ceiling.

The ceiling is bench/ceiling_app.py: a bare Flask endpoint on the same server settings
that inserts one row. A third server writes sign-ons into a database without the search
index (its triggers, FTS5 table or GIN index dropped): the index's write cost, as CPU
per sign-on and as sign-ons per second (target: at most 10% worse). Beside requests per
second it prints the server's CPU time per request (gunicorn's processes, from /proc),
which a busy shared machine moves less, and on PostgreSQL the database's too (the
backends serving the bench's database, from /proc: the index's trigger and GIN index
work there, out of gunicorn's sight); the write cost is read from their sum. Then it
confirms sign-ons from the links in their emails (the confirm POST links the
organization into the directory and looks for similar names): figures for the record,
no target. Runs on SQLite, and on PostgreSQL when 127.0.0.1:5432 answers (it creates
and drops its own database). Loopback only; a bounded number of requests.

    .venv/bin/python bench/signon_load.py [--requests 300] [--threads 8] [--runs 9]
                                          [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from tests.servers import gunicorn, scratch_database  # noqa: E402
from tests.signons.server import form_session, seed_letter  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/campaign_bench_{pid}"
STATES = ["TX", "FL", "GA", "NC", "AZ", "CA", "NY", "IL", "WA", "PR"]
CONFIRM_LINK = re.compile(r"https?://[^/\s]+/(sign/\S+/confirm/\S+)")
_seq = itertools.count()
_seq_lock = threading.Lock()


def _next() -> int:
    with _seq_lock:
        return next(_seq)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _pg_reachable() -> bool:
    return _reachable(5432)


def _load(base: str, n: int, threads: int, make_request) -> tuple[float, list[float], int]:
    """``n`` POSTs from ``threads`` clients; returns (requests/s, latencies in ms, errors)."""
    per_thread = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def worker(count: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=60) as client:
            prepare = make_request(client)
            barrier.wait()
            mine, bad = [], 0
            for _ in range(count):
                path, data = prepare()
                t0 = time.perf_counter()
                response = client.post(path, data=data)
                mine.append((time.perf_counter() - t0) * 1000)
                bad += response.status_code != 302
            with lock:
                latencies.extend(mine)
                errors += bad

    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(worker, c) for c in per_thread]
        barrier.wait()
        start = time.perf_counter()
        for f in futures:
            f.result()
        elapsed = time.perf_counter() - start
    return n / elapsed, latencies, errors


def _signon_requests(slug: str):
    def make(client: httpx.Client):
        token, version = form_session(client, slug)

        def prepare():
            i = _next()
            return f"/sign/{slug}", {
                "csrf_token": token, "version_id": version, "org_name": f"Bench Org {i}",
                "level": "state", "state": STATES[i % 10], "city": "Town",
                "signer_name": "Signer", "signer_title": "Director",
                "signer_email": f"s{i}@example.org", "authorized": "y",
                "authority": "executive", "listing": "list",
            }  # fmt: skip

        return prepare

    return make


def _confirm_requests(slug: str, paths: list[str]):
    queue = iter(paths)
    lock = threading.Lock()

    def make(client: httpx.Client):
        token, version = form_session(client, slug)

        def prepare():
            with lock:
                path = next(queue)
            return path, {"csrf_token": token, "version_id": version}

        return prepare

    return make


def _confirm_paths(url: str, n: int) -> list[str]:
    """The paths of ``n`` confirmation links, read from the emails in the outbox."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        bodies = conn.execute(
            sa.text("SELECT body_text FROM outbox_messages WHERE kind = 'signon.confirm'")
        ).scalars()
        paths = ["/" + m.group(1) for b in bodies if (m := CONFIRM_LINK.search(b))]
    engine.dispose()
    return paths[:n]


def _ceiling_requests(client: httpx.Client):
    def prepare():
        return "/insert", {"payload": f"Bench Org {_next()}"}

    return prepare


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _server_cpu_seconds(base: str) -> float:
    """CPU seconds used so far by the gunicorn serving ``base`` (master and workers)."""
    needle = f"127.0.0.1:{base.rsplit(':', 1)[1]}".encode()
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _database_cpu_seconds(url: str | None) -> dict[int, float]:
    """PostgreSQL: CPU seconds so far of each backend serving ``url``'s database (pid →
    seconds), read from /proc (the server runs on this machine). The search index's
    work on PostgreSQL (its trigger, the GIN index) is done there, not in gunicorn.
    Empty for SQLite, whose work is in gunicorn's own CPU."""
    if not url or not url.startswith("postgresql"):
        return {}
    name = url.rsplit("/", 1)[1]
    engine = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres")
    try:
        with engine.connect() as conn:
            pids = conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = :name AND backend_type = 'client backend'"
                ),
                {"name": name},
            ).scalars()
            pids = list(pids)
    finally:
        engine.dispose()
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile, or not on this machine
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def _measured(
    base: str, n: int, threads: int, make, db_url: str | None = None
) -> tuple[float, list[float], int, float, float]:
    """``_load``, the server's CPU milliseconds per request during it, and the database
    backends' (PostgreSQL; 0 on SQLite)."""
    before, db_before = _server_cpu_seconds(base), _database_cpu_seconds(db_url)
    rps, latencies, errors = _load(base, n, threads, make)
    db_after = _database_cpu_seconds(db_url)
    # a backend opened during the run counts from 0
    db_cpu = sum(after - db_before.get(pid, 0.0) for pid, after in db_after.items())
    return (
        rps,
        latencies,
        errors,
        (_server_cpu_seconds(base) - before) * 1000 / n,
        (db_cpu * 1000 / n),
    )


def _summary(label: str, runs: list[tuple[float, list[float], int, float]]) -> dict:
    rps = statistics.median(r[0] for r in runs)
    lat = [x for r in runs for x in r[1]]
    result = {
        "rps": rps,
        "p50": _percentile(lat, 0.50),
        "p99": _percentile(lat, 0.99),
        "errors": sum(r[2] for r in runs),
        "cpu_ms": statistics.median(r[3] for r in runs),
        "db_cpu_ms": statistics.median(r[4] for r in runs),
    }
    print(
        f"  {label:<9} {rps:8.1f} req/s   p50 {result['p50']:7.1f} ms   "
        f"p99 {result['p99']:7.1f} ms   server CPU {result['cpu_ms']:5.2f} ms/request   "
        f"database CPU {result['db_cpu_ms']:5.2f} ms/request   non-302: {result['errors']}"
    )
    return result


def _without_search_index(url: str) -> None:
    """Drop the sign-ons' search triggers and index (FTS5 table, or GIN index and the
    words trigger): the database as it wrote sign-ons before the full-text index."""
    from campaign.db import make_engine
    from campaign.search.ddl import drop
    from campaign.signons.models import SIGN_ON_SEARCH

    engine = make_engine(url)
    with engine.begin() as conn:
        drop(conn, SIGN_ON_SEARCH)
    engine.dispose()


def bench_database(name: str, pg_url: str | None, args) -> dict:
    """Sign-on and ceiling figures on one database, and the sign-on again on a copy of
    the database without the search index (the write cost of the index).

    The servers run side by side and their runs alternate (sign-on, ceiling, sign-on
    without the index, …), so that a machine getting busier or quieter during the
    bench moves them all.
    """
    print(f"{name}: {args.runs} runs x {args.requests} POSTs, {args.threads} client threads")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for folder in ("app", "ceiling", "plain", "plain/app"):
            (tmp_path / folder).mkdir()
        with (
            scratch_database(tmp_path, pg_url, suffix="") as url,
            scratch_database(tmp_path / "plain", pg_url, suffix="_plain") as plain_url,
        ):
            slug = seed_letter(url)
            plain_slug = seed_letter(plain_url)
            _without_search_index(plain_url)
            env = {"CAMPAIGN_RATELIMIT_STORAGE_URI": args.ratelimit_storage}
            with (
                gunicorn("campaign:create_app()", url, tmp_path / "app", env=env) as app,
                gunicorn("bench.ceiling_app:create_app()", url, tmp_path / "ceiling") as ceiling,
                gunicorn(
                    "campaign:create_app()", plain_url, tmp_path / "plain" / "app", env=env
                ) as plain,
            ):
                plans = [
                    (app, _signon_requests(slug), url),
                    (ceiling, _ceiling_requests, url),
                    (plain, _signon_requests(plain_slug), plain_url),
                ]
                for base, make, _db in plans:  # warm-up
                    _load(base, max(20, args.threads * 3), args.threads, make)
                runs: list[list] = [[], [], []]
                for _ in range(args.runs):
                    for i, (base, make, db_url) in enumerate(plans):
                        runs[i].append(_measured(base, args.requests, args.threads, make, db_url))
                warm = max(20, args.threads * 3)  # as for the sign-ons: first uses compile
                paths = _confirm_paths(url, args.requests + warm)
                _load(app, warm, args.threads, _confirm_requests(slug, paths[:warm]))
                rest = paths[warm:]
                confirm = _measured(
                    app, len(rest), args.threads, _confirm_requests(slug, rest), url
                )
    out = {"signon": _summary("sign-on", runs[0]), "ceiling": _summary("ceiling", runs[1])}
    out["plain"] = _summary("no index", runs[2])
    out["confirm"] = _summary("confirm", [confirm])
    # the median of the per-round ratios: each round's runs saw the same machine
    out["ratio"] = statistics.median(a[0] / b[0] for a, b in zip(runs[0], runs[1], strict=True))
    print(f"  ratio     {out['ratio']:.2f} of the ceiling (median of {args.runs} paired runs)")
    # the index's write cost: CPU per sign-on (gunicorn's, and on PostgreSQL the
    # database backends' too: the trigger and the GIN index work there), and requests per
    # second, with it against without it, round by round
    out["index_cpu"] = statistics.median(
        (a[3] + a[4]) / (b[3] + b[4]) - 1 for a, b in zip(runs[0], runs[2], strict=True)
    )
    out["index_db_cpu"] = (
        statistics.median(a[4] / b[4] - 1 for a, b in zip(runs[0], runs[2], strict=True))
        if all(b[4] for b in runs[2])
        else 0.0
    )
    out["index_rps"] = statistics.median(
        1 - a[0] / b[0] for a, b in zip(runs[0], runs[2], strict=True)
    )
    print(
        f"  index     {out['index_cpu']:+.1%} CPU per sign-on (server and database), "
        f"{out['index_rps']:+.1%} fewer sign-ons per second than without the search index"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--ratelimit-storage",
        default=None,
        help="rate-limit counters (default: Redis on 127.0.0.1:6379 when it answers, as a "
        "multi-process deployment should use; else memory://)",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")
    args = parser.parse_args()
    if args.ratelimit_storage is None:
        args.ratelimit_storage = "redis://127.0.0.1:6379/15" if _reachable(6379) else "memory://"
    print(f"rate-limit storage: {args.ratelimit_storage}")
    results = {}
    if args.only != "postgres":
        results["sqlite"] = bench_database("SQLite", None, args)
    if args.only != "sqlite" and _pg_reachable():
        results["postgres"] = bench_database("PostgreSQL", PG_URL.format(pid=os.getpid()), args)
    fields = []
    for db, r in results.items():
        fields += [
            f"ratio_{db}={r['ratio']:.2f}",
            f"p99_ms_{db}={r['signon']['p99']:.0f}",
            f"p50_ms_{db}={r['signon']['p50']:.0f}",
            f"rps_{db}={r['signon']['rps']:.0f}",
            f"ceiling_rps_{db}={r['ceiling']['rps']:.0f}",
            f"cpu_ms_per_request_{db}={r['signon']['cpu_ms']:.2f}",
            f"ceiling_cpu_ms_per_request_{db}={r['ceiling']['cpu_ms']:.2f}",
            f"confirm_rps_{db}={r['confirm']['rps']:.0f}",
            f"confirm_p99_ms_{db}={r['confirm']['p99']:.0f}",
            f"noindex_rps_{db}={r['plain']['rps']:.0f}",
            f"noindex_cpu_ms_per_request_{db}={r['plain']['cpu_ms']:.2f}",
            f"db_cpu_ms_per_request_{db}={r['signon']['db_cpu_ms']:.2f}",
            f"noindex_db_cpu_ms_per_request_{db}={r['plain']['db_cpu_ms']:.2f}",
            f"index_write_cost_cpu_{db}={r['index_cpu']:.3f}",
            f"index_write_cost_db_cpu_{db}={r['index_db_cpu']:.3f}",
            f"index_write_cost_rps_{db}={r['index_rps']:.3f}",
        ]
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    fields.append(f"load_avg={load[0]:.2f}")
    print("RESULT " + " ".join(fields))


if __name__ == "__main__":
    main()
