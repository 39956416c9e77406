"""Apps of their own for the ops tests (JSON logs, metrics settings, Redis limits)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest

from campaign import create_app, db
from tests.conftest import Client

REDIS_DB = 5  # this project's Redis db for the ops tests


def redis_answers() -> bool:
    """Redis at 127.0.0.1:6379 (the machine and CI start it)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def kept_session_binding() -> Iterator[None]:
    """create_app() rebinds the shared scoped session; put it back afterwards."""
    saved = dict(db.session.session_factory.kw)
    try:
        yield
    finally:
        db.session.remove()
        db.session.session_factory.kw.clear()
        db.session.session_factory.kw.update(saved)


@pytest.fixture
def make_app(database_url, instance_dir):
    """``make_app(**config)``: an app on the test database with these settings, whose
    requests run in the test's transaction (ask for ``session`` first)."""
    with kept_session_binding():

        def _make(**config):
            # requests then share the test's transaction (the session fixture's binding)
            binding = dict(db.session.session_factory.kw)
            app = create_app(
                {
                    "TESTING": True,
                    "DATABASE_URL": database_url,
                    "SECRET_KEY": "ops-tests-" + "k" * 40,
                    "INSTANCE_PATH": str(instance_dir),
                    "SERVER_NAME": "campaign.test",
                    **config,
                }
            )
            db.session.remove()
            db.session.session_factory.kw.clear()
            db.session.session_factory.kw.update(binding)
            app.test_client_class = Client
            return app

        yield _make
