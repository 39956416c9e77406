"""flask backup / flask restore: a round trip on SQLite and PostgreSQL, and the refusals."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaign import db
from campaign.backup.databases import pg_dbname_arg, pg_environment
from campaign.migrate import upgrade
from tests.backup.conftest import contents, kept_session_binding, make_app, populate


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def only_child(folder: Path) -> Path:
    children = list(folder.iterdir())
    assert len(children) == 1, children
    return children[0]


def round_trip(src_url: str, dst_url: str, tmp_path: Path) -> None:
    upgrade(src_url)
    src = make_app(src_url, tmp_path / "src")
    sha = populate(db.get_engine(src), Path(src.config["UPLOAD_DIR"]))
    before = contents(db.get_engine(src))
    assert before["users"] and before["audit_events"] and before["outbox_messages"]

    result = run(src, "backup", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    folder = only_child(tmp_path / "backups")
    assert folder.name.startswith("backup-") and str(folder) in result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"] == db.get_engine(src).dialect.name
    assert manifest["alembic_revision"] and manifest["created_at"] and manifest["app_version"]
    assert manifest["tables"]["users"] == 2 and manifest["tables"]["outbox_messages"] == 2
    paths = {f["path"] for f in manifest["files"]}
    assert f"uploads/{sha[:2]}/{sha}" in paths

    dst = make_app(dst_url, tmp_path / "dst")
    result = run(dst, "restore", str(folder))
    assert result.exit_code == 0, result.output
    assert contents(db.get_engine(dst)) == before
    restored = Path(dst.config["UPLOAD_DIR"]) / sha[:2] / sha
    assert restored.read_bytes() == (Path(src.config["UPLOAD_DIR"]) / sha[:2] / sha).read_bytes()

    # the target now holds data: refused without --yes, replaced with it
    with db.get_engine(dst).begin() as conn:
        conn.execute(sa.text("DELETE FROM outbox_messages WHERE to_addr = 'b@example.org'"))
    result = run(dst, "restore", str(folder))
    assert result.exit_code != 0 and "--yes" in result.output
    assert len(contents(db.get_engine(dst))["outbox_messages"]) == 1
    result = run(dst, "restore", str(folder), "--yes")
    assert result.exit_code == 0, result.output
    assert contents(db.get_engine(dst)) == before
    db.get_engine(src).dispose()
    db.get_engine(dst).dispose()


def test_sqlite_round_trip(tmp_path):
    round_trip(
        f"sqlite:///{tmp_path / 'src.sqlite3'}", f"sqlite:///{tmp_path / 'dst.sqlite3'}", tmp_path
    )


def test_postgres_round_trip(tmp_path, pg_databases):
    src_url, dst_url = pg_databases
    round_trip(src_url, dst_url, tmp_path)


def test_sqlite_backup_while_another_connection_writes(tmp_path):
    path = tmp_path / "live.sqlite3"
    upgrade(f"sqlite:///{path}")
    app = make_app(f"sqlite:///{path}", tmp_path)
    populate(db.get_engine(app), Path(app.config["UPLOAD_DIR"]))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM outbox_messages")
    try:
        result = run(app, "backup", str(tmp_path / "b"))
        assert result.exit_code == 0, result.output
    finally:
        writer.execute("COMMIT")
        writer.close()
    manifest = json.loads((only_child(tmp_path / "b") / "manifest.json").read_text())
    assert manifest["tables"]["outbox_messages"] == 2  # the snapshot, not the open write
    db.get_engine(app).dispose()


@pytest.fixture(scope="module")
def populated_sqlite(tmp_path_factory):
    """A migrated, populated SQLite database and upload store, made once per module."""
    home = tmp_path_factory.mktemp("populated")
    url = f"sqlite:///{home / 'src.sqlite3'}"
    upgrade(url)
    with kept_session_binding():
        app = make_app(url, home)
        sha = populate(db.get_engine(app), Path(app.config["UPLOAD_DIR"]))
        db.get_engine(app).dispose()
    return home, sha


@pytest.fixture
def sqlite_backup(tmp_path, populated_sqlite):
    """A backup folder of the populated database and an empty target app."""
    home, sha = populated_sqlite
    shutil.copyfile(home / "src.sqlite3", tmp_path / "src.sqlite3")
    shutil.copytree(home / "uploads", tmp_path / "src" / "uploads")
    src = make_app(f"sqlite:///{tmp_path / 'src.sqlite3'}", tmp_path / "src")
    assert run(src, "backup", str(tmp_path / "backups")).exit_code == 0
    folder = only_child(tmp_path / "backups")
    dst = make_app(f"sqlite:///{tmp_path / 'dst.sqlite3'}", tmp_path / "dst")
    yield folder, dst, sha
    db.get_engine(src).dispose()
    db.get_engine(dst).dispose()


def untouched(dst) -> bool:
    with db.get_engine(dst).connect() as conn:
        tables = sa.inspect(conn).get_table_names()
    uploads = Path(dst.config["UPLOAD_DIR"])
    return tables == [] and not (uploads.exists() and any(uploads.rglob("*")))


def test_hash_mismatch_is_refused_and_changes_nothing(sqlite_backup):
    folder, dst, sha = sqlite_backup
    upload = folder / "uploads" / sha[:2] / sha
    data = bytearray(upload.read_bytes())
    data[-1] ^= 0xFF
    upload.write_bytes(bytes(data))
    result = run(dst, "restore", str(folder), "--yes")
    assert result.exit_code != 0
    assert "damaged" in result.output and "sha256" in result.output
    assert untouched(dst)


def test_missing_database_file_is_refused(sqlite_backup):
    folder, dst, _ = sqlite_backup
    (folder / "database.sqlite3").unlink()
    result = run(dst, "restore", str(folder), "--yes")
    assert result.exit_code != 0 and "database.sqlite3 is missing" in result.output
    assert untouched(dst)


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: "{not json",
        lambda m: json.dumps({**m, "format": 99}),
        lambda m: json.dumps({**m, "files": [*m["files"], {**m["files"][0], "path": "../x"}]}),
        lambda m: json.dumps({**m, "files": m["files"][1:]}),
        lambda m: json.dumps({**m, "database": "postgresql"}),
        lambda m: json.dumps({**m, "alembic_revision": "ffffffffffff"}),
        lambda m: json.dumps([m]),
    ],
)
def test_damaged_manifest_is_refused_and_changes_nothing(sqlite_backup, damage):
    folder, dst, _ = sqlite_backup
    path = folder / "manifest.json"
    path.write_text(damage(json.loads(path.read_text())))
    result = run(dst, "restore", str(folder), "--yes")
    assert result.exit_code != 0 and "Error:" in result.output
    assert "Traceback" not in result.output
    assert untouched(dst)


def test_restore_needs_the_backup_folder_itself(sqlite_backup):
    folder, dst, _ = sqlite_backup
    result = run(dst, "restore", str(folder.parent))
    assert result.exit_code != 0 and "no manifest.json" in result.output
    assert untouched(dst)


def test_a_second_backup_gets_its_own_folder(sqlite_backup, tmp_path):
    folder, _, _ = sqlite_backup
    src = make_app(f"sqlite:///{tmp_path / 'src.sqlite3'}", tmp_path / "src")
    assert run(src, "backup", str(folder.parent)).exit_code == 0
    assert run(src, "backup", str(folder.parent)).exit_code == 0
    names = sorted(p.name for p in folder.parent.iterdir())
    assert len(names) == 3 and all(n.startswith("backup-") for n in names)
    db.get_engine(src).dispose()


def test_backup_inside_the_upload_folder_is_refused(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    result = run(app, "backup", str(tmp_path / "uploads" / "backups"))
    assert result.exit_code != 0 and "outside the upload folder" in result.output


def test_in_memory_sqlite_is_refused(tmp_path):
    app = make_app("sqlite://", tmp_path)
    result = run(app, "backup", str(tmp_path / "b"))
    assert result.exit_code != 0 and "in a file" in result.output
    assert not any((tmp_path / "b").iterdir())


def test_postgres_arguments_keep_the_password_off_the_command_line():
    url = "postgresql+psycopg://ann:s3cr%40t@db.example:6543/odd'name?sslmode=require"
    env = pg_environment(url)
    assert env["PGPASSWORD"] == "s3cr@t" and env["PGHOST"] == "db.example"
    assert env["PGPORT"] == "6543" and env["PGUSER"] == "ann" and env["PGSSLMODE"] == "require"
    assert pg_dbname_arg(url) == "--dbname=dbname='odd\\'name'"
    assert "s3cr" not in pg_dbname_arg(url)
