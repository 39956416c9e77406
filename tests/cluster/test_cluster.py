"""A short cluster run in `make test`: two app servers behind nginx, two workers, SMTP,
PostgreSQL and Redis, with an app server, a worker (mid-render) and SMTP taken down.

It runs in the PostgreSQL pass of `make test` (CAMPAIGN_TEST_DATABASE_URL set): the
cluster's database is created beside that one. The SQLite pass skips it, saying so;
bench/cluster.py runs the same day at the issue's full size.
"""

from __future__ import annotations

import os

import httpx
import pytest
import redis

from tests.cluster.harness import Cluster, missing
from tests.cluster.report import CONFIRM, Plan, result_line
from tests.cluster.scenario import Day

PG = os.environ.get("CAMPAIGN_TEST_DATABASE_URL", "")
REDIS = os.environ.get("CAMPAIGN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

SHORT = Plan(
    measure=40, chaos_signons=160, per_address=5, heavy=2, over=2, render_letters=3,
    render_names=800, invitations=50, page_views=30, smtp_outage=4, lease=6, threads=6,
    settle_timeout=600,
)  # fmt: skip


def _forged_host_answers(cluster: Cluster) -> tuple[str, int]:
    """What nginx and an app server do with ``Host: attacker.example``."""
    evil = {"Host": "attacker.example"}
    try:
        proxy = str(httpx.get(f"{cluster.url}/login", headers=evil, verify=cluster.tls).status_code)
    except httpx.RemoteProtocolError:  # nginx's 444: the connection closed, no answer
        proxy = "dropped"
    direct = httpx.get(f"http://127.0.0.1:{cluster.web_ports[0]}/login", headers=evil)
    return proxy, direct.status_code


def _why_not() -> str | None:
    if not PG.startswith("postgresql"):
        return "the cluster runs on PostgreSQL: it runs in make test's PostgreSQL pass"
    return missing()


@pytest.mark.server
@pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")
def test_a_cluster_loses_nothing_and_sends_nothing_twice(tmp_path):
    env = {"CAMPAIGN_SIGNON_RATE_LIMIT": f"{SHORT.limit} per hour",
           "CAMPAIGN_RENDER_LEASE_SECONDS": str(SHORT.lease)}  # fmt: skip
    with Cluster(tmp_path / "cluster", pg_url=PG, redis_url=REDIS, env=env) as cluster:
        report = Day(cluster, SHORT, say=lambda _: None).run()
        logs = {p.name: p.read_text(errors="replace") for p in cluster.dir.glob("w*.log")}
        tokens = [m["body"] for m in cluster.smtp.messages]
        forged = _forged_host_answers(cluster)
    k = report.counts
    print(result_line(report))
    # nothing left behind: processes, the database, the Redis keys
    assert cluster.procs == {} and not cluster._created_db
    client = redis.Redis.from_url(REDIS)
    assert list(client.scan_iter(match=f"*/{cluster.key_prefix}/*")) == []
    client.close()
    assert report.problems == []
    # a forged Host header (issue 16.1): nginx drops it, and an app server refuses it
    assert forged == ("dropped", 400), forged
    assert k["lost"] == 0 and k["duplicated"] == 0 and k["mails_twice"] == 0, k
    assert k["stored"] == k["accepted"] and k["unacknowledged"] == 0
    assert k["mails_received"] == k["mails"] > 0
    # the rate limit counted across both app servers: the same answer whichever answered
    for addr, statuses in report.heavy.items():
        assert statuses == {302: SHORT.limit, 429: SHORT.over}, (addr, statuses)
        assert len(report.heavy_upstreams[addr]) == 2, report.heavy_upstreams
    # every render finished, once; the one whose worker was killed, on its second claim
    assert k["renders_done"] == SHORT.render_letters == k["renders_finished"]
    assert report.killed_render is not None and k["killed_render_attempts"] == 2
    assert k["invitations"] == SHORT.invitations
    assert k["five_xx_outside_outages"] == 0
    assert report.links_followed >= k["accepted"]
    # SMTP was down for a while: deliveries failed, and were retried
    assert "failed (attempt 1)" in "".join(logs.values())
    # the JSON logs of the app servers and workers name no signer and hold no link token
    links = [m.group(0) for body in tokens for m in CONFIRM.finditer(body)]
    for name, text in logs.items():
        assert "@example.org" not in text, name
        assert not [link for link in links if link.rsplit("/", 1)[1] in text], name
