"""Real server processes for end-to-end and load tests: gunicorn, the mail worker, SMTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from campaign.migrate import upgrade

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30) -> None:
    """Poll ``url`` until it answers (any status) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server at {url} did not start") from None
            time.sleep(0.2)


@dataclass
class LiveServer:
    """A running app: its URL, its environment, its processes."""

    url: str
    env: dict[str, str]
    instance: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run a ``flask --app campaign`` command against this server's database."""
        return subprocess.run(
            [str(BIN / "flask"), "--app", "campaign", *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )


@contextmanager
def live_server(
    instance: Path,
    *,
    database_url: str | None = None,
    smtp: tuple[str, int] | None = None,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    mail_worker: bool = True,
) -> Iterator[LiveServer]:
    """Migrate a database, start gunicorn (sync workers) and the mail worker; stop them after."""
    instance.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{instance / 'app.sqlite3'}"
    upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "CAMPAIGN_DATABASE_URL": url,
        "CAMPAIGN_INSTANCE_PATH": str(instance),
        "CAMPAIGN_SECRET_KEY": "live-server-secret",
        "CAMPAIGN_BASE_URL": f"http://127.0.0.1:{port}",
        "CAMPAIGN_MAIL_FROM": "campaign@example.org",
        **(extra_env or {}),
    }
    env.pop("CAMPAIGN_TEST_DATABASE_URL", None)
    if smtp:
        env["CAMPAIGN_SMTP_HOST"], env["CAMPAIGN_SMTP_PORT"] = smtp[0], str(smtp[1])
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env, instance=instance)
    log = (instance / "server.log").open("ab")
    server.processes.append(
        subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "campaign:create_app()",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    if mail_worker:
        server.processes.append(
            subprocess.Popen(
                [
                    str(BIN / "flask"),
                    "--app",
                    "campaign",
                    "send-mail",
                    "--loop",
                    "--interval",
                    "0.2",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        wait_for_http(server.url + "/login")
        yield server
    finally:
        for proc in server.processes:
            proc.terminate()
        for proc in server.processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()
