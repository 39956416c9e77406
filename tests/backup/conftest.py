"""Backup tests run on databases of their own, never the rolled-back test database."""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from campaign import create_app, db
from campaign.audit.services import record
from campaign.auth.models import Role
from campaign.mail.services import enqueue
from campaign.models import Base
from campaign.uploads.store import UploadStore
from tests import factories

TEST_DB_ENV = "CAMPAIGN_TEST_DATABASE_URL"


@contextlib.contextmanager
def kept_session_binding() -> Iterator[None]:
    """create_app() rebinds the shared scoped session; put it back for the other tests."""
    saved = dict(db.session.session_factory.kw)
    try:
        yield
    finally:
        db.session.remove()
        db.session.session_factory.kw.clear()
        db.session.session_factory.kw.update(saved)


@pytest.fixture(autouse=True)
def _keep_session_binding() -> Iterator[None]:
    with kept_session_binding():
        yield


def make_app(url: str, home: Path):
    """An app on ``url`` with its own instance and upload folders."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "backup-tests",
            "INSTANCE_PATH": str(home / "instance"),
            "UPLOAD_DIR": str(home / "uploads"),
        }
    )


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (3, 2), "green").save(buf, "PNG")
    return buf.getvalue()


def populate(engine: sa.Engine, upload_dir: Path) -> str:
    """Users, a campaign, audit events, outbox messages and one upload; returns its sha256."""
    with Session(engine, expire_on_commit=False) as session:
        admin = factories.create_user(session, role=Role.ADMIN, name="Zoë Ádmin ‹x›")
        factories.create_user(session, role=Role.MEMBER, active=False)
        campaign = factories.create_campaign(session, name="End 287(g) — “now”", actor=admin)
        record(session, admin, "campaign.note", "campaign", campaign.id, note="😀", n=[1, 2])
        enqueue(session, to="a@example.org", subject="Hello", body_text="Body\nline 2")
        enqueue(session, to="b@example.org", subject="Again", body_text="x" * 5000)
        session.commit()
    return UploadStore(upload_dir).save(png_bytes(), allowed={"png"}, max_bytes=10**6).sha256


def contents(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every model table, in primary-key order."""
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in sorted(Base.metadata.sorted_tables, key=lambda t: t.name):
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    """Two scratch PostgreSQL databases (source, target), dropped afterwards."""
    base = os.environ.get(TEST_DB_ENV)
    if not base:
        pytest.skip(f"{TEST_DB_ENV} is not set")
    admin_url = make_url(base).set(database="postgres")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    tag = uuid.uuid4().hex[:10]
    names = [f"campaign_backup_{tag}_src", f"campaign_backup_{tag}_dst"]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield tuple(
            make_url(base).set(database=name).render_as_string(hide_password=False)
            for name in names
        )
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
