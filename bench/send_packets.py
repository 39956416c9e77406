"""Render and send demand packets through the outbox to a local SMTP server (aiosmtpd),
beside the plain render of the same packets in the same run.

Builds a scratch SQLite database with ``--n`` agencies, each with a draft demand (one
linked evidence record, a WSO agreement) and a sheriff target with an email address.
Then, in this order:

1. render: each packet's PDF, nothing else (the baseline);
2. render + send: the bulk send of that same demand (its packet rendered again, stored, a
   receipt per recipient, the demand moved to ``sent``) —

the two interleaved packet by packet, so that other jobs on a shared machine weigh on
both alike — and then the worker delivering every message with its attachment to
aiosmtpd over one connection and recording the server's reply (counted in render + send).
Wall and CPU time are both reported.

Prints packets per second for both, the load average and the peak RSS, and ends with
``RESULT ratio=<(render + send) / render, wall> cpu_ratio=… packets_per_s=… peak_mb=…``
(target ratio ≤ 1.2).

    .venv/bin/python bench/send_packets.py [--n 500]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Accept:
    """An SMTP handler that takes every message (as a relay would) and counts them."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return f"250 2.0.0 Ok: queued as B{self.count:06d}"


def _smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Accept()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler, port


def _world(session, n: int):
    """n agencies, each with a draft demand, evidence, an agreement and a sheriff."""
    from campaign.agencies.models import Agency, Agreement, AgreementModel, AgreementStatus
    from campaign.auth.models import Role
    from campaign.auth.services import create_user
    from campaign.campaigns.services import create_campaign
    from campaign.core.names import org_key
    from campaign.demands.evidence import link_evidence
    from campaign.demands.services import DemandFields, create_demand
    from campaign.evidence.models import EvidenceType
    from campaign.evidence.services import create_evidence
    from campaign.targets.services import add_channel, save_target

    actor = create_user(
        session,
        email="bench@example.org",
        name="Bench",
        role=Role.ADMIN,
        password="correct horse battery staple",
    )
    campaign = create_campaign(session, name="Bench", description="", actor=actor)
    for i in range(n):
        name = f"Bench County {i:04d} Sheriff's Office"
        agency = Agency(name=name, key=org_key(name), state="TX", county=f"Bench {i}")
        session.add(agency)
        session.flush()
        session.add(
            Agreement(
                agency_id=agency.id,
                model=AgreementModel.WSO,
                status=AgreementStatus.PARTICIPATING,
                signed_on=date(2025, 2, 1),
            )
        )
        demand = create_demand(
            session,
            campaign,
            agency,
            DemandFields(title=f"Terminate the 287(g) agreement of {name}", addressed_to="Sheriff"),
            actor=actor,
        )
        record = create_evidence(
            session,
            type=EvidenceType.NEWS_REPORT,
            title=f"Report {i}",
            actor=actor,
            event_on=date(2025, 6, 1),
            source_url=f"https://news.example.org/{i}",
            citation=f"Ledger {i}",
            agency=agency,
        )
        link_evidence(session, demand, record, note="Profiling at stops.", actor=actor)
        target = save_target(
            session,
            None,
            name=f"Sheriff {i}",
            title="Sheriff",
            body="sheriff",
            organization=name,
            agency=agency,
            note="",
            actor=actor,
        )
        add_channel(
            session, target, kind="email", address=f"sheriff{i}@bench.example.org", actor=actor
        )
    session.commit()
    return campaign, actor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()

    import sqlalchemy as sa
    from sqlalchemy.orm import sessionmaker

    from campaign import create_app, db
    from campaign.demands.models import Demand
    from campaign.mail.transport import SMTPTransport
    from campaign.mail.worker import deliver_due
    from campaign.migrate import upgrade
    from campaign.sending.bulk import bulk_send_packets
    from campaign.sending.packet_data import packet_snapshot
    from campaign.sending.packets import render_packet
    from campaign.uploads.store import UploadStore

    tmp = Path(tempfile.mkdtemp(prefix="bench-packets-"))
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp),
            "SECRET_KEY": "x" * 40,
            "TESTING": True,
            "BASE_URL": "http://bench.test",
        }
    )
    static, store = ROOT / "static", UploadStore(tmp / "uploads")
    controller, handler, port = _smtp()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    try:
        with app.app_context():
            session = db.session
            _campaign, actor = _world(session, args.n)
            demands = list(session.scalars(sa.select(Demand).order_by(Demand.id)))
            today = date.today()
            render_packet(
                packet_snapshot(session, demands[0], dated_on=today), static_dir=static
            )  # warm-up (fonts, caches)

            # Interleaved, packet by packet: the plain render of a packet, then the same
            # packet rendered and sent (bulk send of that one demand); on a shared machine
            # the load then weighs on both alike.
            render = render_cpu = queued = queued_cpu = 0.0
            outcomes = []
            for demand in demands:
                wall, cpu = time.perf_counter(), time.process_time()
                render_packet(packet_snapshot(session, demand, dated_on=today), static_dir=static)
                render += time.perf_counter() - wall
                render_cpu += time.process_time() - cpu
                wall, cpu = time.perf_counter(), time.process_time()
                outcomes += bulk_send_packets(
                    session,
                    [demand],
                    include_dhs=False,
                    sent_on=today,
                    today=today,
                    static_dir=static,
                    store=store,
                    actor=actor,
                )
                queued += time.perf_counter() - wall
                queued_cpu += time.process_time() - cpu
            wall, cpu = time.perf_counter(), time.process_time()
            session.commit()
            factory = sessionmaker(bind=db.get_engine(app), expire_on_commit=False)
            transport = SMTPTransport("127.0.0.1", port)
            sent = failed = 0
            while True:
                s, f = deliver_due(
                    factory,
                    transport,
                    "bench@campaign.example.org",
                    limit=1000,
                    read_attachment=store.read,
                )
                sent, failed = sent + s, failed + f
                if not (s or f):
                    break
            delivered = time.perf_counter() - wall
            both = queued + delivered
            both_cpu = queued_cpu + time.process_time() - cpu
            print(
                f"render only: {args.n} packets in {render:.2f} s wall, {render_cpu:.2f} s CPU "
                f"({args.n / render:.1f} packets/s)"
            )
        refused = [o for o in outcomes if o.error]
        print(
            f"render + send: {args.n} packets in {both:.2f} s wall, {both_cpu:.2f} s CPU "
            f"({args.n / both:.1f} packets/s; rendered, stored and queued in {queued:.2f} s, "
            f"delivered in {delivered:.2f} s: {sent} sent, {failed} failed, "
            f"{len(refused)} refused, the SMTP server received {handler.count})"
        )
    finally:
        controller.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"peak memory: {peak_mb:.0f} MB")
    print(
        f"RESULT ratio={both / render:.3f} cpu_ratio={both_cpu / render_cpu:.3f} "
        f"packets_per_s={args.n / both:.1f} render_packets_per_s={args.n / render:.1f} "
        f"peak_mb={peak_mb:.0f}"
    )


if __name__ == "__main__":
    main()
