"""Copying a database out and back in: SQLite's online backup API, pg_dump/pg_restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from campaign.backup.manifest import BackupError

# Query parameters of a PostgreSQL URL that libpq also reads from the environment.
_PG_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def database_kind(url: str | URL) -> str:
    """ "sqlite" or "postgresql" for a SQLAlchemy URL; anything else is refused."""
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


def census(conn: sa.Connection) -> tuple[str | None, dict[str, int]]:
    """The Alembic revision and the row count of every table, read on ``conn``."""
    names = sorted(sa.inspect(conn).get_table_names())
    counts = {
        name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
        for name in names
    }
    revision = None
    if "alembic_version" in names:
        # read directly: MigrationContext would log its INFO lines into the command's output
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return revision, counts


def tables_with_rows(engine: sa.Engine) -> list[str]:
    """Tables holding at least one row (Alembic's own bookkeeping table aside)."""
    with engine.connect() as conn:
        names = sorted(sa.inspect(conn).get_table_names())
        return [
            name
            for name in names
            if name != "alembic_version"
            and conn.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first()
        ]


# SQLite


def census_of_file(path: Path) -> tuple[str | None, dict[str, int]]:
    """``census`` of a SQLite file (the fresh copy inside a backup folder)."""
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return census(conn)
    finally:
        engine.dispose()


def sqlite_path(url: str | URL) -> Path:
    """The file of a SQLite URL; in-memory databases cannot be backed up."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(database)


def _readonly(path: Path, timeout: float) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=timeout)


def dump_sqlite(url: str | URL, out: Path, *, timeout: float = 30.0) -> None:
    """Copy the live database into ``out`` with the online backup API.

    One backup step copies every page under one read transaction, so the copy is
    a consistent snapshot; in WAL mode the app's writers carry on meanwhile.
    """
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    src = sqlite3.connect(str(source), timeout=timeout)
    dst = sqlite3.connect(str(out))
    try:
        src.backup(dst)
        # a single self-contained file, without -wal/-shm companions
        dst.execute("PRAGMA journal_mode=DELETE")
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copied database fails SQLite's integrity check: {check}")
    finally:
        dst.close()
        src.close()


def restore_sqlite(dump: Path, url: str | URL, *, timeout: float = 30.0) -> None:
    """Copy ``dump`` over the configured database with the backup API.

    The destination is written under SQLite's own locking in one step, so a
    process that has it open sees either the old database or the restored one.
    """
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = _readonly(dump, timeout)
    dst = sqlite3.connect(str(target), timeout=timeout)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The restored database fails SQLite's integrity check: {check}")
    finally:
        dst.close()
        src.close()


# PostgreSQL


def pg_environment(url: str | URL) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password never reaches the command line."""
    url = make_url(url)
    # libpq reads PG* variables for the app's own connections too; the URL's parts win
    env = dict(os.environ)
    if url.host:
        env["PGHOST"] = url.host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    for key, name in _PG_QUERY_ENV.items():
        value = url.query.get(key)
        if isinstance(value, str):
            env[name] = value
    return env


def pg_dbname_arg(url: str | URL) -> str:
    """``--dbname`` as a quoted conninfo, so that no database name is read as options."""
    name = make_url(url).database or ""
    if not name:
        raise BackupError("The PostgreSQL URL names no database.")
    quoted = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"--dbname=dbname='{quoted}'"


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (Debian: apt-get install postgresql-client).")
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed ({cmd[0]} exit {proc.returncode}): {detail}")


def dump_postgres(engine: sa.Engine, out: Path) -> tuple[str | None, dict[str, int]]:
    """``pg_dump --format=custom`` into ``out``; returns the revision and row counts.

    The counts are read in a REPEATABLE READ transaction whose snapshot pg_dump
    shares (``--snapshot``), so the manifest describes exactly what was dumped.
    """
    url = engine.url
    conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with conn, conn.begin():
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        revision, counts = census(conn)
        cmd = [
            "pg_dump",
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--file={out}",
            pg_dbname_arg(url),
        ]
        _run(cmd, pg_environment(url), "The database dump")
    return revision, counts


def restore_postgres(dump: Path, url: str | URL) -> None:
    """``pg_restore --clean --if-exists --no-owner`` into the configured database, in one go."""
    cmd = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-acl",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        pg_dbname_arg(url),
        str(dump),
    ]
    _run(cmd, pg_environment(url), "The database restore")
