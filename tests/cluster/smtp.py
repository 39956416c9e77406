"""An SMTP server (aiosmtpd) that records every message and can be stopped and resumed.

Stopping closes the listening socket only: a session already talking finishes, as when
a relay is taken down for maintenance, and new connections are refused until it resumes.
"""

from __future__ import annotations

import asyncio
import json
import threading
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from aiosmtpd.smtp import SMTP


class _Recorder:
    def __init__(self, log: Path) -> None:
        self.messages: list[dict] = []
        self.lock = threading.Lock()
        self.log = log.open("a", encoding="utf-8")

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler protocol
        message = message_from_bytes(envelope.content, policy=default)
        body = message.get_body(("plain",))
        entry = {
            "message_id": str(message["Message-ID"]),
            "to": list(envelope.rcpt_tos),
            "subject": str(message["Subject"]),
            "body": body.get_content() if body is not None else "",
        }
        with self.lock:
            self.messages.append(entry)
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()
        return "250 OK"


class RecordingSMTP:
    """``start()``, ``stop()`` (refuse new connections), ``resume()``, ``close()``."""

    def __init__(self, port: int, log: Path, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.recorder = _Recorder(log)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.AbstractServer | None = None

    @property
    def messages(self) -> list[dict]:
        with self.recorder.lock:
            return list(self.recorder.messages)

    def start(self) -> None:
        self.thread.start()
        self.resume()

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def resume(self) -> None:
        async def listen():
            return await self.loop.create_server(
                lambda: SMTP(self.recorder, hostname="cluster.test"), self.host, self.port
            )

        self.server = self._run(listen())

    def stop(self) -> None:
        async def close():
            self.server.close()
            await self.server.wait_closed()

        if self.server is not None:
            self._run(close())
            self.server = None

    def close(self) -> None:
        try:
            self.stop()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
            self.recorder.log.close()
