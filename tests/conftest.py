"""Test fixtures: the app, a migrated database, a rolled-back transaction per test.

SQLite by default (a fresh file per run); PostgreSQL when CAMPAIGN_TEST_DATABASE_URL
is set. The schema is built by running the Alembic migrations, so every run also
tests the migrations on that database.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from itsdangerous import URLSafeTimedSerializer

from campaign import create_app, db
from campaign.migrate import upgrade
from tests import factories

TEST_DB_ENV = "CAMPAIGN_TEST_DATABASE_URL"

# No wall-clock deadlines (shared, noisy machines); in CI the examples are
# derandomized so that a run is reproducible from its commit alone.
settings.register_profile("campaign", deadline=None, print_blob=True)
settings.register_profile("ci", parent=settings.get_profile("campaign"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "campaign")


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database for this test run."""
    url = os.environ.get(TEST_DB_ENV)
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's instance folder for this run (uploads, mail files)."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def app(database_url: str, instance_dir: Path) -> Flask:
    """The app under test, bound to the test database."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(instance_dir),
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": "campaign.test",
            # emailed links (issue 16.1); set, so that a developer's own variable is ignored
            "BASE_URL": "http://campaign.test",
        }
    )


@pytest.fixture
def session(app: Flask) -> Iterator[sa.orm.Session]:
    """The app's session, inside a transaction rolled back after the test.

    Services' flushes and views' commits become SAVEPOINTs of the outer
    transaction (join_transaction_mode="create_savepoint").
    """
    engine = db.get_engine(app)
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    from campaign.extensions import limiter

    limiter.reset()
    # No app context is held open here: requests made by test clients would
    # share its ``g`` (and Flask-Login's cached user) across clients.
    try:
        yield db.session
    finally:
        db.session.remove()
        outer.rollback()
        connection.close()
        db.session.session_factory.kw.pop("join_transaction_mode", None)
        db.session.configure(bind=engine)


class Client(FlaskClient):
    """A test client that adds a valid CSRF token to every form POST unless told not to."""

    def open(self, *args, **kwargs):
        csrf = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE") and "json" not in kwargs:
            data = kwargs.get("data")
            if data is None:
                data = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """A token valid for this client's session, made the way Flask-WTF makes it."""
        with self.session_transaction() as sess:
            if "csrf_token" not in sess:
                sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 (Flask-WTF's own format)
            raw = sess["csrf_token"]
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def login(self, user, password: str = factories.PASSWORD):
        """Log in through the real login form."""
        response = self.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def client(app: Flask, session) -> Client:
    """An anonymous browser."""
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def runner(app: Flask, session):
    """The Flask CLI runner, sharing the test transaction."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(session):
    """Factory: ``make_user(role=Role.COORDINATOR, email=None, active=True)``."""
    return lambda **kw: factories.create_user(session, **kw)


@pytest.fixture
def make_campaign(session):
    """Factory: ``make_campaign(name="…")``."""
    return lambda **kw: factories.create_campaign(session, **kw)


@pytest.fixture
def login_as(app: Flask, make_user):
    """``login_as("coordinator")`` → a client logged in as a new user with that role."""

    def _login(role: str = "coordinator", **kw) -> Client:
        from campaign.auth.models import Role

        user = make_user(role=Role(role), **kw)
        app.test_client_class = Client
        c = app.test_client()
        c.login(user)
        c.user = user
        return c

    return _login


class QueryCounter:
    """Counts SQL statements executed on an engine while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """``with count_queries() as q: ...; q.count`` — SELECT/INSERT/UPDATE/DELETE statements run."""
    engine = db.get_engine(app)
    ignore = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|PRAGMA)", re.I)

    @contextlib.contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def _before(conn, cursor, statement, *args):
            if not ignore.match(statement):
                counter.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", _before)

    return _count


class CapturedMail:
    """Messages received by the test SMTP server."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler protocol
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port; ``.messages`` holds what arrived."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = CapturedMail()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.host, handler.port = "127.0.0.1", port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def worker_sessions(session):
    """A session factory for the mail worker that joins the test transaction."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(
        bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
