"""Making a backup folder and restoring one.

A backup is a folder ``backup-YYYYMMDDTHHMMSSZ`` holding the database copy
(``database.sqlite3`` or ``database.pgdump``), the upload store under ``uploads/``,
the app's secret key (``secret_key``: links emailed before the backup stay valid after a
restore) and ``manifest.json``. It is written under a hidden ``.partial`` name and
renamed when complete, so a folder with a manifest is always a whole backup. Folders
are 0700 and files 0600: a backup is as secret as the database and the key.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask

from campaign import db
from campaign.backup import databases
from campaign.backup.manifest import (
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    SECRET_KEY_FILE,
    UPLOADS,
    WARNING_FILE,
    BackupError,
    Manifest,
    file_entry,
    read_manifest,
    sha256_of,
    verify_files,
)
from campaign.core.files import FILE_MODE, make_private, private_dir, write_private
from campaign.db import utcnow
from campaign.migrate import alembic_config


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore handled."""

    folder: Path
    database: str
    tables: dict[str, int]
    uploads: int
    alembic_revision: str | None
    # what whoever runs the command must know (the secret key, links that will break)
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _app_version() -> str:
    try:
        return metadata.version("campaign")
    except metadata.PackageNotFoundError:
        return "unknown"


def _free_folder(parent: Path, name: str) -> Path:
    candidate, n = parent / name, 1
    while candidate.exists() or (parent / f".{candidate.name}.partial").exists():
        n += 1
        candidate = parent / f"{name}-{n}"
    return candidate


def _copy_file(src: Path, dst: Path) -> None:
    private_dir(dst.parent)
    tmp = dst.with_name(dst.name + ".part")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, dst)


WARNING = """This folder is a backup of a campaign site. Keep it as secret as the site itself.

It holds the whole database (every account, signer, contact and message), the uploaded
files, and the site's secret key (secret_key). With the key, anyone could forge a login
to the site or links in its emails. Store it encrypted, readable only by the people who
run the site, and delete old backups you no longer need (a person forgotten on the site
stays in the backups made before).

Restore it with: flask --app campaign restore <this folder>
"""


def create_backup(app: Flask, parent: Path) -> BackupSummary:
    """Write a new ``backup-<UTC time>`` folder under ``parent`` (created if missing).

    The database is copied first, then the uploads: files are stored before the
    rows that refer to them are committed and are never rewritten, so every file
    the database copy refers to is already there when the uploads are copied.
    """
    url = app.config["DATABASE_URL"]
    kind = databases.database_kind(url)
    store = Path(app.config["UPLOAD_DIR"])
    if parent.resolve().is_relative_to(store.resolve()):
        raise BackupError("Write backups outside the upload folder (it would copy itself).")
    private_dir(parent)
    created_at = utcnow()
    final = _free_folder(parent, f"backup-{created_at:%Y%m%dT%H%M%SZ}")
    work = parent / f".{final.name}.partial"
    work.mkdir(mode=0o700)
    os.chmod(work, 0o700)
    try:
        dump = work / DATABASE_FILES[kind]
        if kind == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000) / 1000
            databases.dump_sqlite(url, dump, timeout=timeout)
            revision, tables = databases.census_of_file(dump)
        else:
            revision, tables = databases.dump_postgres(db.get_engine(app), dump)
        make_private(dump)
        write_private(work / SECRET_KEY_FILE, str(app.config["SECRET_KEY"]).encode())
        write_private(work / WARNING_FILE, WARNING.encode())
        entries = [file_entry(work, dump), file_entry(work, work / SECRET_KEY_FILE)]
        if store.is_dir():
            for src in sorted(p for p in store.rglob("*") if p.is_file()):
                if src.name.endswith(".part"):
                    continue  # a file still being written by the store
                dst = work / UPLOADS / src.relative_to(store)
                _copy_file(src, dst)
                entries.append(file_entry(work, dst))
        manifest = {
            "app": "campaign",
            "format": FORMAT,
            "app_version": _app_version(),
            "alembic_revision": revision,
            "database": kind,
            "created_at": created_at.isoformat(),
            "tables": tables,
            "files": entries,
        }
        write_private(work / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    notes = (
        f"{final} holds the database and the secret key: keep it secret (see {WARNING_FILE}).",
    )
    return BackupSummary(final, kind, tables, len(entries) - 2, revision, notes)


def _check_revision(manifest: Manifest) -> None:
    if manifest.alembic_revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        scripts.get_revision(manifest.alembic_revision)
    except Exception:
        raise BackupError(
            f"The backup's schema revision {manifest.alembic_revision} is unknown to this "
            f"version of the app (made by version {manifest.app_version}?); upgrade the app first."
        )


def check_backup(app: Flask, folder: Path) -> Manifest:
    """Everything a restore checks before it touches anything; returns the manifest."""
    manifest = read_manifest(folder)
    kind = databases.database_kind(app.config["DATABASE_URL"])
    if manifest.database != kind:
        raise BackupError(
            f"This is a {manifest.database} backup; the configured database is {kind}."
        )
    _check_revision(manifest)
    verify_files(folder, manifest)
    return manifest


def restore_backup(app: Flask, folder: Path, *, replace: bool = False) -> BackupSummary:
    """Bring back a backup folder: database and uploads.

    Refuses, before changing anything, when the manifest or a file's hash is
    wrong, or when the database already holds rows and ``replace`` is False.
    Uploaded files are copied first (they are content-addressed, so extra ones
    are harmless), then the database is replaced and its row counts checked.
    """
    manifest = check_backup(app, folder)
    url = app.config["DATABASE_URL"]
    engine = db.get_engine(app)
    held = databases.tables_with_rows(engine)
    if held and not replace:
        shown = ", ".join(held[:6]) + (", …" if len(held) > 6 else "")
        raise BackupError(
            f"The configured database already holds data ({shown}). Restoring replaces all "
            "of it with the backup; run the command again with --yes to do so."
        )
    db.session.remove()
    engine.dispose()  # no pooled connection may hold a lock the restore needs

    store = Path(app.config["UPLOAD_DIR"])
    uploads = 0
    for rel, entry in manifest.uploads():
        target = store.joinpath(*rel.parts)
        if not (target.is_file() and sha256_of(target) == entry["sha256"]):
            _copy_file(folder / entry["path"], target)
        uploads += 1

    dump = folder / manifest.database_file
    if manifest.database == "sqlite":
        timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000) / 1000
        databases.restore_sqlite(dump, url, timeout=timeout)
        target = databases.sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            make_private(target.with_name(target.name + suffix))
    else:
        databases.restore_postgres(dump, url)

    engine.dispose()
    with engine.connect() as conn:
        revision, tables = databases.census(conn)
    differ = sorted(name for name, count in manifest.tables.items() if tables.get(name) != count)
    if differ:
        raise BackupError(
            "The restored database does not match the backup's row counts for: " + ", ".join(differ)
        )
    notes = _restore_secret_key(app, folder, manifest)
    return BackupSummary(folder, manifest.database, tables, uploads, revision, notes)


BREAKS = "invitation and unsubscribe links emailed before the backup, and every login session"


def _restore_secret_key(app: Flask, folder: Path, manifest: Manifest) -> tuple[str, ...]:
    """Bring the backup's secret key back where the app reads it, or say what breaks."""
    if not manifest.has_secret_key:
        return (
            "This backup holds no secret key (it was made by an older version). Unless "
            "CAMPAIGN_SECRET_KEY is the old server's key, these stop working: " + BREAKS + ".",
        )
    key = (folder / SECRET_KEY_FILE).read_text(encoding="utf-8").strip()
    if key == app.config["SECRET_KEY"]:
        return ("The secret key is the backup's: emailed links keep working.",)
    if app.config.get("SECRET_KEY_SOURCE") == "file":
        path = Path(app.instance_path) / SECRET_KEY_FILE
        write_private(path, key.encode())
        return (
            f"The backup's secret key was written to {path}: restart the app (and its "
            "workers) so that links emailed before the backup keep working.",
        )
    return (
        "The backup was made with another secret key. Until CAMPAIGN_SECRET_KEY is set to "
        f"the one in {folder / SECRET_KEY_FILE}, these stop working: " + BREAKS + ".",
    )


def needs_upgrade(revision: str | None) -> bool:
    """True when a restored database is behind this code's migrations."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return revision != head
