"""SQLite busy under concurrent writes: a clear 503, nothing half-stored, and it works after."""

import sqlite3

import pytest
import sqlalchemy as sa

from campaign import create_app, db
from campaign.auth.models import Role
from campaign.auth.services import create_user
from campaign.campaigns.models import Campaign
from campaign.migrate import upgrade
from tests.conftest import Client


@pytest.fixture
def busy_app(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    path = tmp_path / "busy.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
            "SQLITE_BUSY_TIMEOUT_MS": 200,
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    with app.app_context():
        create_user(
            db.session,
            email="c@example.org",
            name="C",
            password="a long password",
            role=Role.COORDINATOR,
        )
        db.session.commit()
    app.test_client_class = Client
    yield app, path
    db.session.remove()
    db.get_engine(app).dispose()


def test_locked_database_gives_503_and_stores_nothing(busy_app):
    app, path = busy_app
    c = app.test_client()
    c.login(type("U", (), {"email": "c@example.org"}), password="a long password")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = c.post("/campaigns/new", data={"name": "During the lock"})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert "busy" in response.get_data(as_text=True).lower()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    again = c.post("/campaigns/new", data={"name": "During the lock"})
    assert again.status_code == 302
    with app.app_context():
        names = db.session.scalars(sa.select(Campaign.name)).all()
    assert names == ["During the lock"]


def test_the_read_phase_of_a_write_request_takes_no_write_lock(busy_app):
    app, path = busy_app
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    with app.test_request_context("/", method="POST"):
        token = db.write_intent.set(True)  # as for every POST
        try:
            with db.read_phase():
                db.session.execute(sa.select(Campaign.id)).all()
                other.execute("BEGIN IMMEDIATE")  # another writer is not kept waiting
                other.execute("ROLLBACK")
            db.session.execute(sa.select(Campaign.id)).all()  # the writes' transaction
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            db.session.rollback()
            db.write_intent.reset(token)
            other.close()


def test_the_read_phase_reads_outside_any_sqlite_transaction(busy_app):
    app, _ = busy_app
    with app.test_request_context("/", method="POST"):
        token = db.write_intent.set(True)
        try:
            with db.read_phase():
                db.session.execute(sa.select(Campaign.id)).all()
                raw = db.session.connection().connection.driver_connection
                assert not raw.in_transaction  # no BEGIN: nothing to hold or end
            db.session.execute(sa.select(Campaign.id)).all()
            assert db.session.connection().connection.driver_connection.in_transaction
        finally:
            db.session.rollback()
            db.write_intent.reset(token)


def test_the_read_phase_refuses_changes(busy_app):
    app, _ = busy_app
    with app.test_request_context("/", method="POST"):
        with pytest.raises(RuntimeError, match="reads"), db.read_phase():
            db.session.add(Campaign(name="Not now", slug="not-now", description=""))
        db.session.rollback()


def test_a_confirmation_compares_names_before_taking_the_write_lock(busy_app, monkeypatch):
    from campaign.signons import dedup
    from tests.letters.factories import make_letter
    from tests.signons.helpers import form, link_in, path_of

    app, path = busy_app
    with app.app_context():
        letter = make_letter(db.session)
        db.session.commit()
        slug = letter.slug
    c = app.test_client()
    assert c.post(f"/sign/{slug}", data=form()).status_code == 302
    with app.app_context():
        body = db.session.scalars(sa.text("SELECT body_text FROM outbox_messages")).one()
    real, seen = dedup.earlier_similar, []

    def while_comparing(session, signon):
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # would fail if the request held the lock
            other.execute("ROLLBACK")
            seen.append("free")
        finally:
            other.close()
        return real(session, signon)

    monkeypatch.setattr(dedup, "earlier_similar", while_comparing)
    assert c.post(path_of(link_in(body))).status_code == 302
    assert seen == ["free"]
    with app.app_context():
        status = db.session.scalars(sa.text("SELECT status FROM sign_ons")).one()
    assert status == "confirmed"


def test_reads_of_a_read_phase_leave_the_session_without_a_transaction(busy_app):
    app, path = busy_app
    with app.test_request_context("/", method="POST"):
        token = db.write_intent.set(True)
        try:
            with db.read_phase():
                with db.reads(db.session) as conn:
                    assert conn.execute(sa.select(Campaign.id)).all() == []
                    assert not conn.connection.driver_connection.in_transaction
                assert not db.session().in_transaction()
            db.session.add(Campaign(name="After", slug="after", description=""))
            db.session.flush()  # the writes' transaction: BEGIN IMMEDIATE
            other = sqlite3.connect(path, isolation_level=None, timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        finally:
            db.session.rollback()
            db.write_intent.reset(token)
