"""Real server processes for end-to-end, concurrency and load tests.

gunicorn with sync workers (what RECIPES.md found best on SQLite), a scratch
database per server, and the mail worker.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from campaign.config import ROOT
from campaign.migrate import upgrade

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def scratch_database(tmp_path: Path, pg_url: str | None, suffix: str = "_srv") -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database beside ``pg_url`` (dropped after)."""
    if not pg_url:
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    url = sa.engine.make_url(pg_url)
    name = f"{url.database}{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def gunicorn(
    app: str, database_url: str, instance: Path, *, workers: int = 2, env: dict | None = None
) -> Iterator[str]:
    """Run ``app`` under gunicorn (sync workers) on a free port; yields its base URL."""
    port = free_port()
    environ = {
        **os.environ,
        # emailed links point at this very server (issue 16.1: never at the request's Host)
        "CAMPAIGN_BASE_URL": f"http://127.0.0.1:{port}",
        "CAMPAIGN_DATABASE_URL": database_url,
        "CAMPAIGN_SECRET_KEY": "server-test-secret",
        "CAMPAIGN_INSTANCE_PATH": str(instance),
        "CAMPAIGN_SIGNON_RATE_LIMIT": "1000000 per minute",
        **(env or {}),
    }
    log = (instance / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
         "-b", f"127.0.0.1:{port}", "--timeout", "60", app],
        cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError((instance / "gunicorn.log").read_text()[-3000:])
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class LiveServer:
    """A running app: its URL, its environment, its extra processes."""

    url: str
    env: dict[str, str]
    instance: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run a ``flask --app campaign`` command against this server's database."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "campaign", *args],
            env=self.env, input=input, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


@contextlib.contextmanager
def live_server(
    instance: Path,
    *,
    database_url: str | None = None,
    smtp: tuple[str, int] | None = None,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    mail_worker: bool = True,
) -> Iterator[LiveServer]:
    """Migrate a database, start gunicorn and the mail worker; stop them afterwards."""
    instance.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{instance / 'app.sqlite3'}"
    upgrade(url)
    env = {"CAMPAIGN_MAIL_FROM": "campaign@example.org", **(extra_env or {})}
    if smtp:
        env["CAMPAIGN_SMTP_HOST"], env["CAMPAIGN_SMTP_PORT"] = smtp[0], str(smtp[1])
    with gunicorn("campaign:create_app()", url, instance, workers=workers, env=env) as base:
        full_env = {**os.environ, "CAMPAIGN_BASE_URL": base, **env, "CAMPAIGN_DATABASE_URL": url,
                    "CAMPAIGN_INSTANCE_PATH": str(instance),
                    "CAMPAIGN_SECRET_KEY": "server-test-secret"}  # fmt: skip
        full_env.pop("CAMPAIGN_TEST_DATABASE_URL", None)
        server = LiveServer(url=base, env=full_env, instance=instance)
        log = (instance / "worker.log").open("ab")
        if mail_worker:
            server.processes.append(
                subprocess.Popen(
                    [str(BIN / "flask"), "--app", "campaign", "worker", "--loop",
                     "--interval", "0.2"],
                    env=full_env, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        try:
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


@contextlib.contextmanager
def demo_server(instance: Path, *, coordinator: str, password: str, **kw) -> Iterator[LiveServer]:
    """``live_server`` over the demo data (``flask demo``), with one more coordinator.

    The demo is loaded before the server and its worker start: a long demo transaction
    beside a worker polling every 0.2 s on a loaded machine could meet a locked database.
    """
    instance.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{instance / 'app.sqlite3'}"
    upgrade(url)
    env = {**os.environ, "CAMPAIGN_DATABASE_URL": url, "CAMPAIGN_INSTANCE_PATH": str(instance),
           "CAMPAIGN_SECRET_KEY": "server-test-secret"}  # fmt: skip
    env.pop("CAMPAIGN_TEST_DATABASE_URL", None)
    demo = subprocess.run(
        [str(BIN / "flask"), "--app", "campaign", "demo"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if demo.returncode != 0:
        raise RuntimeError(f"flask demo failed:\n{demo.stdout}\n{demo.stderr}")
    with live_server(instance, database_url=url, **kw) as server:
        server.flask(
            "create-user", coordinator, "--role", "coordinator", "--password-stdin",
            input=password + "\n",
        )  # fmt: skip
        yield server


@dataclass
class Receiver:
    """A running webhook receiver: its URL and what it received."""

    url: str
    log: Path

    def requests(self) -> list[dict]:
        """Every request received so far, in order."""
        import json

        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]


@contextlib.contextmanager
def webhook_receiver(tmp_path: Path, statuses: str = "200") -> Iterator[Receiver]:
    """A real HTTP server process that records webhook POSTs and answers ``statuses`` in
    turn (``tests/webhook_receiver.py``)."""
    port = free_port()
    log = tmp_path / f"receiver-{port}.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.webhook_receiver", str(port), str(log), statuses],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the webhook receiver did not start")
                time.sleep(0.05)
        yield Receiver(f"http://127.0.0.1:{port}/hooks/campaign", log)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
