"""Two worker processes share the webhook queue: every event reaches every subscription
exactly once (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.campaigns.models import Campaign
from campaign.db import make_engine
from campaign.migrate import upgrade
from campaign.webhooks.events import enqueue
from campaign.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.servers import BIN, scratch_database, webhook_receiver

EVENTS = 120


@pytest.mark.server
def test_two_workers_deliver_each_event_once_per_subscription(tmp_path):
    pg = os.environ.get("CAMPAIGN_TEST_DATABASE_URL")
    with (
        scratch_database(tmp_path, pg, suffix="_hooks") as url,
        webhook_receiver(tmp_path) as receiver,
    ):
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            campaign = Campaign(name="Hooks", slug="hooks")
            session.add(campaign)
            session.flush()
            subs = [
                WebhookSubscription(campaign_id=campaign.id, url=f"{receiver.url}?sub={n}",
                                    events="signature.confirmed", secret=f"whsec_{n}")
                for n in range(2)
            ]  # fmt: skip
            session.add_all(subs)
            session.flush()
            docs = [{"identifiers": [f"campaign:{i}"], "_links": {}} for i in range(EVENTS)]
            enqueue(session, [s.id for s in subs], "signature.confirmed", "osdi:signature", docs)
            session.commit()
        env = {**os.environ, "CAMPAIGN_DATABASE_URL": url, "CAMPAIGN_SECRET_KEY": "x" * 40,
               "CAMPAIGN_INSTANCE_PATH": str(tmp_path / "instance"),
               "CAMPAIGN_BASE_URL": "http://127.0.0.1:9"}  # fmt: skip
        env.pop("CAMPAIGN_TEST_DATABASE_URL", None)
        logs = [(tmp_path / f"worker{n}.log").open("wb") for n in range(2)]
        workers = [
            subprocess.Popen(
                [str(BIN / "flask"), "--app", "campaign", "worker", "--loop", "--interval", "0.1"],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            for log in logs
        ]  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while len(receiver.requests()) < 2 * EVENTS and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)  # anything sent twice would arrive now
        finally:
            for proc in workers:
                proc.terminate()
            for proc, log in zip(workers, logs, strict=True):
                proc.wait(15)
                log.close()
        got = receiver.requests()
        pairs = [(r["path"].split("sub=")[1], r["headers"]["Idempotency-Key"]) for r in got]
        assert len(pairs) == 2 * EVENTS, (tmp_path / "worker0.log").read_text()[-2000:]
        assert len(set(pairs)) == 2 * EVENTS
        both = [(tmp_path / f"worker{n}.log").read_text() for n in range(2)]
        assert all("delivered" in text for text in both), both  # the two shared the work
        with Session(engine) as session:
            rows = session.execute(sa.select(WebhookDelivery.delivered, WebhookDelivery.attempts))
            assert set(rows) == {(True, 1)}
        engine.dispose()
