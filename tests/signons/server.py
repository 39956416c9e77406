"""A real gunicorn server on its own database, for the concurrency test."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import sqlalchemy as sa

from campaign.config import ROOT

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version_id" type="hidden" value="(\d+)"')


def free_port() -> int:
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


def seed_letter(database_url: str) -> str:
    """An open letter (and its campaign and coordinator) in a fresh database; returns its slug."""
    from datetime import date, time, timedelta

    from sqlalchemy.orm import Session

    from campaign.auth.models import Role
    from campaign.auth.services import create_user
    from campaign.campaigns.services import create_campaign
    from campaign.db import make_engine
    from campaign.letters.models import LetterStatus
    from campaign.letters.services import change_status, create_letter
    from campaign.migrate import upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = create_user(
            session, email="c@example.org", name="C", password="x" * 12, role=Role.COORDINATOR
        )
        campaign = create_campaign(session, name="Load", description="", actor=user)
        letter = create_letter(
            session, campaign, title="Load test letter", addressees="DHS", body="End 287(g).",
            closing="", sender="", deadline_on=date.today() + timedelta(days=30),
            deadline_time=time(17, 0), deadline_tz="UTC", actor=user,
        )  # fmt: skip
        change_status(session, letter, LetterStatus.OPEN, actor=user)
        session.commit()
        slug = letter.slug
    engine.dispose()
    return slug


def form_session(client: httpx.Client, slug: str) -> tuple[str, str]:
    """GET the public page: the CSRF token (tied to the cookie now in ``client``) and version."""
    page = client.get(f"/sign/{slug}").text
    return CSRF.search(page).group(1), VERSION.search(page).group(1)
