"""The plan of a cluster's day, what it recorded, and what is read back afterwards:
sign-ons in the database, mail in the SMTP log, renders, 5xx answers."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from tests.cluster.harness import Cluster
from tests.cluster.seed import Seeded

CONFIRM = re.compile(r"https?://[^/\s]+(/sign/[^/\s]+/confirm/[^\s/]+)")


@dataclass(frozen=True)
class Plan:
    """How big the day is (bench/cluster.py: the issue's sizes; tests/cluster: small)."""

    measure: int  # sign-ons per measured phase (one app server, then two)
    chaos_signons: int  # sign-ons while things are killed
    per_address: int  # sign-ons per simulated client address
    heavy: int  # addresses that go past the rate limit
    over: int  # by how many sign-ons each
    render_letters: int
    render_names: int
    invitations: int
    page_views: int
    smtp_outage: float  # seconds
    lease: int  # CAMPAIGN_RENDER_LEASE_SECONDS
    threads: int = 8
    web_workers: int = 1
    repeat_share: float = 0.2  # submissions for organizations already signed
    settle_timeout: float = 900  # for the outbox and the renders to finish

    @property
    def limit(self) -> int:
        """Sign-ons per address per hour: room for a few retries above ``per_address``."""
        return self.per_address + 5


@dataclass
class Response:
    at: float
    status: int
    what: str


@dataclass
class Report:
    """What the day did and what was found afterwards."""

    rates: dict[int, float] = field(default_factory=dict)  # servers → sign-ons/s
    p99_ms: float = 0.0
    accepted: set[tuple[str, str]] = field(default_factory=set)  # (org key, state)
    responses: list[Response] = field(default_factory=list)
    heavy: dict[str, Counter] = field(default_factory=dict)
    heavy_upstreams: dict[str, set[str]] = field(default_factory=dict)
    links_followed: int = 0
    links_superseded: int = 0
    killed_render: int | None = None
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, what: str) -> None:
        with self.lock:
            self.responses.append(Response(time.monotonic(), status, what))

    @property
    def scaling(self) -> float:
        return self.rates[2] / self.rates[1] if self.rates.get(1) else 0.0


def read_back(c: Cluster, seeded: Seeded, r: Report) -> None:
    """Read the database and the SMTP log back; fill in the report's counts."""
    from campaign.delivery.models import RenderJob, RenderStatus
    from campaign.directory.models import Invitation
    from campaign.mail.models import OutboxMessage
    from campaign.signons.models import SignOn, SignOnStatus

    engine = c.engine()
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(SignOn.org_key, SignOn.state, SignOn.status).where(
                SignOn.letter_id == seeded.launch_id
            )
        ).all()
        outbox = conn.execute(sa.select(OutboxMessage.message_id, OutboxMessage.sent_at)).all()
        renders = conn.execute(
            sa.select(RenderJob.id, RenderJob.status, RenderJob.attempts).where(
                RenderJob.letter_id.in_(seeded.render_ids)
            )
        ).all()
        invitations = conn.scalar(
            sa.select(sa.func.count()).where(Invitation.letter_id == seeded.launch_id)
        )
    engine.dispose()
    stored = Counter((key, state) for key, state, _ in rows)
    missing = r.accepted - stored.keys()
    pending = [row for row in rows if row.status == SignOnStatus.PENDING]
    received = Counter(m["message_id"] for m in c.smtp.messages)
    undelivered = [mid for mid, sent_at in outbox if sent_at is None or mid not in received]
    r.counts = {
        "accepted": len(r.accepted),
        "stored": len(rows),
        "lost": len(missing) + len(pending) + len(undelivered),
        "lost_signons": len(missing),
        "left_pending": len(pending),
        "undelivered": len(undelivered),
        "duplicated": sum(n - 1 for n in stored.values()),
        # written, but the client never saw its 302 (it gave up retrying)
        "unacknowledged": len(stored.keys() - r.accepted),
        "mails": len(outbox),
        "mails_received": sum(received.values()),
        "mails_twice": sum(1 for n in received.values() if n > 1),
        "renders_done": sum(1 for j in renders if j.status == RenderStatus.DONE),
        "renders_finished": renders_finished(c),
        "invitations": invitations,
        "five_xx_outside_outages": len(five_xx_outside_outages(r, c.events)),
        "five_xx": sum(1 for x in r.responses if x.status >= 500),
    }
    killed = [j for j in renders if j.id == r.killed_render]
    r.counts["killed_render_attempts"] = killed[0].attempts if killed else 0


def renders_finished(c: Cluster) -> int:
    """How many renders the workers report done (a render finished twice counts twice)."""
    total = 0
    for log in c.dir.glob("worker*.log"):
        for found in re.finditer(r"Renders: (\d+) done", log.read_text(errors="replace")):
            total += int(found.group(1))
    return total


def five_xx_outside_outages(r: Report, events: list[tuple[float, str]]) -> list[Response]:
    """5xx answers other than while an app server was down (kill → ready again)."""
    windows, down = [], None
    for at, what in events:
        if what.endswith("killed") and what.startswith("web"):
            down = at
        elif what.endswith("ready") and down is not None:
            windows.append((down - 0.5, at + 2.0))
            down = None
    return [
        x for x in r.responses
        if x.status >= 500 and not any(a <= x.at <= b for a, b in windows)
    ]  # fmt: skip


def result_line(report: Report) -> str:
    """``RESULT lost=… duplicated=… mails_twice=… signons_per_s_1=… …``."""
    k = report.counts
    return (
        f"RESULT lost={k['lost']} duplicated={k['duplicated']} mails_twice={k['mails_twice']} "
        f"signons_per_s_1={report.rates[1]:.1f} signons_per_s_2={report.rates[2]:.1f} "
        f"scaling={report.scaling:.2f} p99_ms={report.p99_ms:.0f} "
        f"five_xx_outside_outages={k['five_xx_outside_outages']} "
        f"renders={k['renders_done']} invitations={k['invitations']}"
    )
