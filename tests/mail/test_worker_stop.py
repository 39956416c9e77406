"""`flask worker --loop` stopped by SIGTERM (systemd, Docker, an upgrade) finishes the
message it is sending and records it: a restart never sends it a second time.

Before, SIGTERM ended the process at once: a relay slow to answer the end of the data had
the message, the outbox did not know, and the next worker sent it again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from campaign.db import make_engine
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.migrate import upgrade
from tests.servers import free_port

FLASK = str(Path(sys.executable).parent / "flask")


class SlowRelay:
    """Takes each message, then waits a while before saying 250."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler protocol
        from email import message_from_bytes

        self.ids.append(message_from_bytes(envelope.content)["Message-ID"])
        await asyncio.sleep(1.5)
        return "250 OK"


def test_sigterm_finishes_the_message_being_sent(tmp_path):
    url = f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for i in range(3):
            enqueue(session, to=f"p{i}@example.org", subject="Hello", body_text="Body")
        session.commit()
    relay, port = SlowRelay(), free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    env.update(
        CAMPAIGN_DATABASE_URL=url, CAMPAIGN_INSTANCE_PATH=str(tmp_path),
        CAMPAIGN_SMTP_HOST="127.0.0.1", CAMPAIGN_SMTP_PORT=str(port),
    )  # fmt: skip
    worker = subprocess.Popen(
        [FLASK, "--app", "campaign", "worker", "--loop", "--interval", "0.2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        while not relay.ids:  # the first message is with the relay, its 250 not yet sent
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
        controller.stop()
    assert worker.returncode == 0, output
    assert "Worker stopped." in output
    with engine.connect() as conn:
        sent = set(
            conn.scalars(
                sa.select(OutboxMessage.message_id).where(OutboxMessage.sent_at.is_not(None))
            )
        )
    engine.dispose()
    assert set(relay.ids) == sent and len(sent) >= 1
