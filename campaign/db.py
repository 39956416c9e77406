"""Database plumbing: the declarative Base, the request-scoped session, the engine."""

from __future__ import annotations

import contextvars
import functools
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

from campaign.core.files import make_private

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always returned timezone-aware.

    SQLite has no time zones and PostgreSQL's ``timestamptz`` has; storing UTC
    and tagging it on the way out makes both behave the same.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (Alembic needs stable names)."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON(), list[Any]: sa.JSON()}


# The controllable clock's instant (``campaign.core.clock.set_now``); None: the system's.
# Kept here, under ``utcnow``, so that every "now" of the app (column defaults, deadlines,
# "today") moves with it, not only the callers of ``clock.now_utc``.
fixed_now: list[datetime | None] = [None]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return fixed_now[0] or datetime.now(UTC)


# Thread-local session: one per request (and per CLI command), removed at teardown.
session = scoped_session(sessionmaker(expire_on_commit=False))

# Set for the duration of a state-changing request: SQLite then opens its
# transaction with BEGIN IMMEDIATE, taking the write lock up front, so that
# concurrent writers queue on busy_timeout instead of failing on lock upgrade.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)
# Set inside read_phase(): SQLite then runs the reads without BEGIN (each statement
# is its own snapshot), which saves a statement and a commit on the busiest POST.
_reads_only: contextvars.ContextVar[bool] = contextvars.ContextVar("reads_only", default=False)


@contextmanager
def read_phase() -> Iterator[None]:
    """The reads of a state-changing request, done before it takes SQLite's write lock.

    SQLite has one writer at a time; a request that holds the lock while it checks its
    form, looks things up and renders an email makes every other writer wait (and poll).
    Inside this block SQLite reads without a transaction of its own (each statement
    sees the latest commit); leaving it ends SQLAlchemy's transaction, so the writes
    that follow start theirs with BEGIN IMMEDIATE.
    (PostgreSQL locks rows, not the database: there the transaction simply goes on.)
    Nothing may be written inside: it would not be part of the request's transaction.
    """
    token, reads = write_intent.set(False), _reads_only.set(True)
    try:
        yield
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("read_phase() is for reads; this request changed objects")
        if session.get_bind().dialect.name == "sqlite" and session().in_transaction():
            session.commit()  # ends the read transaction; keeps what was loaded (no expiry)
    finally:
        write_intent.reset(token)
        _reads_only.reset(reads)


@contextmanager
def reads(session: Session) -> Iterator[sa.Connection]:
    """A connection for the reads of a ``read_phase``, outside the session's transaction.

    With the app's engine: a connection of its own, given back at once, that begins
    nothing (SQLite inside ``read_phase``: no BEGIN; PostgreSQL in autocommit: no BEGIN
    round trip), so the session's transaction starts only with the writes. A session
    bound to one connection (the tests' outer transaction) reads on that one.
    """
    bind = session.get_bind()
    if not isinstance(bind, sa.Engine):
        yield session.connection()
        return
    engine = bind if bind.dialect.name == "sqlite" else _autocommit(bind)
    with engine.connect() as conn:
        yield conn


@contextmanager
def one_statement(session: Session) -> Iterator[sa.Connection]:
    """A connection for a write that is one statement, whole by itself.

    PostgreSQL: a connection of a second pool kept in autocommit, so the statement is
    its own transaction, without BEGIN and COMMIT round trips. Otherwise (SQLite, a
    session bound to the tests' connection): the session's connection, in its
    transaction, which the caller commits.
    """
    bind = session.get_bind()
    if isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql":
        with _autocommit(bind).connect() as conn:
            yield conn
    else:
        yield session.connection()


_AUTOCOMMIT: weakref.WeakKeyDictionary[sa.Engine, sa.Engine] = weakref.WeakKeyDictionary()


def _autocommit(engine: sa.Engine) -> sa.Engine:
    """The engine's twin whose connections stay in autocommit (a pool of their own:
    switching a pooled connection in and out of autocommit costs a little each time)."""
    found = _AUTOCOMMIT.get(engine)
    if found is None:
        found = _AUTOCOMMIT[engine] = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
    return found


def insert_ignoring_conflicts(
    session: Session, table: sa.Table, *, returning: sa.Column | None = None
) -> sa.Insert:
    """``INSERT … ON CONFLICT DO NOTHING [RETURNING col]`` for the session's database.

    With ``RETURNING``, no row back means a unique constraint found the row already
    there (perhaps inserted by a concurrent request): no SAVEPOINT, no failed transaction.
    The statement is built once per database and table and executed with parameters
    on ``session.connection()``: building it anew costs more than running it.
    """
    return _insert_ignoring(session.get_bind().dialect.name, table, returning)


@functools.cache
def _insert_ignoring(dialect: str, table: sa.Table, returning: sa.Column | None) -> sa.Insert:
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    stmt = insert.on_conflict_do_nothing()
    return stmt if returning is None else stmt.returning(returning)


def _configure_sqlite(engine: sa.Engine, busy_timeout_ms: int) -> None:
    database = engine.url.database
    files = (
        [Path(database + suffix) for suffix in ("", "-wal", "-shm")]
        if database and database != ":memory:" and not database.startswith("file:")
        else []
    )

    # pysqlite's own transaction handling breaks SAVEPOINT; take it over as the
    # SQLAlchemy documentation describes ("Serializable isolation / Savepoints").
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # The file only the app's user reads; SQLite gives -wal and -shm its mode.
        for path in files:
            make_private(path)
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Read pages straight from the OS cache instead of copying them into SQLite's
        # own (2 MB by default): a search over 100,000 sign-ons takes a third less.
        cur.execute("PRAGMA mmap_size=268435456")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if write_intent.get():
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not _reads_only.get():
            conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, busy_timeout_ms: int = 5000, **kwargs: Any) -> sa.Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and working savepoints."""
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms)
    return engine


def init_app(app: Flask) -> None:
    """Create the app's engine, bind the session to it and remove it after each request."""
    engine = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    app.extensions["campaign.engine"] = engine
    session.remove()
    session.configure(bind=engine)

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        session.remove()


def get_engine(app: Flask) -> sa.Engine:
    """The engine ``init_app`` created for this app."""
    return app.extensions["campaign.engine"]


def is_database_busy(err: BaseException) -> bool:
    """True for SQLite's "database is locked" (a 503, not a 500: retrying will work)."""
    return isinstance(err, sa.exc.OperationalError) and "database is locked" in str(err).lower()
