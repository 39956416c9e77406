"""A national coalition's launch day on this machine, with servers killed mid-run.

PostgreSQL and Redis at 127.0.0.1, two gunicorn app servers behind nginx (configured
from deploy/nginx.conf, TLS with a self-signed certificate), two `flask worker --loop`
workers and an SMTP server recording every message (tests/cluster/harness.py). Through
the proxy: 5,000 public sign-ons from 500 simulated client addresses (127.1.x.y; 20% for
organizations already signed; 10 addresses sending 3 past the rate limit), first through
one app server, then two (the measured phases), then under chaos: 3 letters of 2,000
names rendered by the workers, 500 invitations, 300 coordinator page views, while one app
server is SIGKILLed and started again, one worker is SIGKILLed mid-render and the SMTP
server is stopped for 30 s. Then every confirmation link is followed, and the database
and the SMTP log are read back. The cluster's database and Redis keys are removed at
the end, and every process it started is killed with its process group.

    .venv/bin/python bench/cluster.py [--signons 5000] [--addresses 500] [--threads 8]
        [--web-workers 1] [--smtp-outage 30] [--pg-url URL] [--redis-url URL]

Ends with `RESULT lost=… duplicated=… mails_twice=… signons_per_s_1=… signons_per_s_2=…
scaling=… p99_ms=…` (sign-ons/s through the proxy with one app server and with two,
their ratio, and the p99 of a sign-on POST with two); exits 1 unless lost, duplicated
and mails_twice are 0 and every other check holds. Loopback only; bounded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cluster.harness import Cluster, missing  # noqa: E402
from tests.cluster.report import Plan, result_line  # noqa: E402
from tests.cluster.scenario import Day  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signons", type=int, default=5000)
    parser.add_argument("--addresses", type=int, default=500)
    parser.add_argument("--heavy", type=int, default=10, help="addresses past the limit")
    parser.add_argument("--render-names", type=int, default=2000)
    parser.add_argument("--invitations", type=int, default=500)
    parser.add_argument("--page-views", type=int, default=300)
    parser.add_argument("--smtp-outage", type=float, default=30)
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients")
    parser.add_argument("--web-workers", type=int, default=1, help="gunicorn workers each")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "CAMPAIGN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/campaign_bench"
        ),
        help="a server URL; the cluster's database is <its name>_cluster (created, dropped)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    why = missing()
    if why:
        print(f"cannot run: {why}")
        return 2
    per_address = max(1, args.signons // args.addresses)
    normal = (args.addresses - args.heavy) * per_address
    measure = normal // 5
    plan = Plan(
        measure=measure, chaos_signons=normal - 2 * measure, per_address=per_address,
        heavy=args.heavy, over=3, render_letters=3, render_names=args.render_names,
        invitations=args.invitations, page_views=args.page_views,
        smtp_outage=args.smtp_outage, lease=10, threads=args.threads,
        web_workers=args.web_workers, settle_timeout=1800,
    )  # fmt: skip
    env = {
        "CAMPAIGN_SIGNON_RATE_LIMIT": f"{plan.limit} per hour",
        "CAMPAIGN_RENDER_LEASE_SECONDS": str(plan.lease),
    }
    start = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - start:6.1f} s] {text}", flush=True)

    with tempfile.TemporaryDirectory(prefix="campaign-cluster-") as tmp:
        cluster = Cluster(
            Path(tmp), pg_url=args.pg_url, redis_url=args.redis_url,
            web_workers=args.web_workers, env=env,
        )  # fmt: skip
        with cluster:
            say(f"cluster up: {cluster.url} (app servers on {cluster.web_ports})")
            report = Day(cluster, plan, say=say).run()
            for at, what in cluster.events:
                print(f"  event at {at - start:6.1f} s: {what}")
    k = report.counts
    print(
        f"organizations signed {k['accepted']} (accepted submissions, less those for an "
        f"organization already on the letter), stored {k['stored']}, left pending "
        f"{k['left_pending']}"
        f"; confirmation links followed {report.links_followed} (superseded by a newer one "
        f"{report.links_superseded})"
    )
    print(
        f"mail: {k['mails']} in the outbox, {k['mails_received']} received, "
        f"{k['undelivered']} undelivered, {k['mails_twice']} twice"
    )
    print(
        f"renders done {k['renders_done']} (finished {k['renders_finished']} times; the killed "
        f"one took {k['killed_render_attempts']} claims); invitations {k['invitations']}"
    )
    for addr, statuses in report.heavy.items():
        upstreams = len(report.heavy_upstreams.get(addr, ()))
        print(f"  {addr}: {dict(statuses)} across {upstreams} app server(s)")
    print(f"5xx answers: {k['five_xx']} ({k['five_xx_outside_outages']} outside server outages)")
    for problem in report.problems[:20]:
        print(f"  problem: {problem}")
    print(
        "(figures from a shared 2-core machine are noisy: the proxy, both app servers, the "
        "workers, PostgreSQL, Redis and the load generator share its cores)"
    )
    print(result_line(report))
    limited = all(
        dict(s) == {302: plan.limit, 429: plan.over} for s in report.heavy.values()
    ) and all(len(u) == 2 for u in report.heavy_upstreams.values())
    ok = (
        k["lost"] == k["duplicated"] == k["mails_twice"] == 0
        and not report.problems
        and limited
        and k["five_xx_outside_outages"] == 0
        and k["renders_done"] == k["renders_finished"] == 3
        and k["invitations"] == plan.invitations
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
