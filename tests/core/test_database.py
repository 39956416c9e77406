"""The database: one migration head, models equal to migrations, SQLite settings."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from campaign import db, models
from campaign.migrate import alembic_config
from campaign.search.ddl import include_name


def test_single_migration_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, heads


def test_models_and_migrations_agree(app):
    engine = db.get_engine(app)
    with engine.connect() as conn:
        # the search indexes' FTS5 tables and GIN indexes are made by hand (campaign.search)
        opts = {"compare_type": True, "include_name": include_name}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, models.Base.metadata)
    assert diff == [], diff


def test_database_is_at_head(app):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with db.get_engine(app).connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_sqlite_pragmas(app):
    engine = db.get_engine(app)
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_savepoints_roll_back_only_their_part(session, make_user):
    from campaign.auth.models import User

    make_user(email="kept@example.org")
    nested = session.begin_nested()
    session.add(User(email="dropped@example.org", name="x", password_hash="x"))
    session.flush()
    nested.rollback()
    emails = set(session.scalars(sa.select(User.email)))
    assert "kept@example.org" in emails and "dropped@example.org" not in emails


def test_foreign_keys_are_enforced(session):
    from campaign.campaigns.models import Campaign

    session.add(Campaign(name="x", slug="fk-check", description="", created_by_id=987654))
    import pytest

    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
