"""The manifest of a backup folder: what it holds, and checking it before a restore."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
# The app's secret key: links emailed before the backup (invitations, unsubscribe) are
# signed with it, and keep working after a restore only with the same key.
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
# Not in the manifest: a note for whoever opens the folder.
WARNING_FILE = "KEEP-THIS-FOLDER-SECRET.txt"

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Manifest:
    """A checked manifest."""

    database: str
    alembic_revision: str | None
    created_at: str
    app_version: str
    tables: dict[str, int]
    files: list[dict[str, Any]]

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.database]

    @property
    def has_secret_key(self) -> bool:
        """Backups made before version 0.2 of this format hold no secret key."""
        return any(entry["path"] == SECRET_KEY_FILE for entry in self.files)

    def uploads(self) -> Iterator[tuple[PurePosixPath, dict[str, Any]]]:
        """(path inside the upload store, entry) for every uploaded file."""
        for entry in self.files:
            path = PurePosixPath(entry["path"])
            if path.parts[0] == UPLOADS:
                yield PurePosixPath(*path.parts[1:]), entry


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(folder: Path, path: Path) -> dict[str, Any]:
    """A manifest entry for a file inside ``folder``."""
    return {
        "path": path.relative_to(folder).as_posix(),
        "size": path.stat().st_size,
        "sha256": sha256_of(path),
    }


def _damaged(why: str) -> BackupError:
    return BackupError(f"The backup's {MANIFEST} is damaged or not from this app: {why}.")


def _safe_relative(raw: object) -> bool:
    if not isinstance(raw, str) or not raw or "\\" in raw or "\0" in raw:
        return False
    path = PurePosixPath(raw)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


def read_manifest(folder: Path) -> Manifest:
    """Load and check ``folder/manifest.json`` (structure only; see ``verify_files``)."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    if not path.is_file():
        raise BackupError(
            f"There is no {MANIFEST} in {folder}. Give the backup folder itself "
            f"(e.g. {folder}/backup-YYYYMMDDTHHMMSSZ)."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _damaged(f"not valid JSON ({err})")
    if not isinstance(data, dict) or data.get("app") != "campaign":
        raise _damaged("not a campaign backup")
    if data.get("format") != FORMAT:
        raise _damaged(f"format {data.get('format')!r} is not {FORMAT}")
    database = data.get("database")
    if database not in DATABASE_FILES:
        raise _damaged(f"unknown database kind {database!r}")
    files = data.get("files")
    if not isinstance(files, list):
        raise _damaged("no file list")
    seen: set[str] = set()
    for entry in files:
        ok = (
            isinstance(entry, dict)
            and _safe_relative(entry.get("path"))
            and isinstance(entry.get("sha256"), str)
            and _SHA256.match(entry["sha256"])
            and isinstance(entry.get("size"), int)
            and entry["size"] >= 0
        )
        if not ok:
            raise _damaged(f"bad file entry {entry!r:.200}")
        first = PurePosixPath(entry["path"]).parts[0]
        if entry["path"] not in (DATABASE_FILES[database], SECRET_KEY_FILE) and first != UPLOADS:
            raise _damaged(f"unexpected file {entry['path']!r}")
        if entry["path"] in seen:
            raise _damaged(f"{entry['path']!r} is listed twice")
        seen.add(entry["path"])
    if DATABASE_FILES[database] not in seen:
        raise _damaged("the database file is not listed")
    tables = data.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in tables.items()
    ):
        raise _damaged("no table counts")
    revision = data.get("alembic_revision")
    if revision is not None and not isinstance(revision, str):
        raise _damaged("bad alembic revision")
    return Manifest(
        database=database,
        alembic_revision=revision,
        created_at=str(data.get("created_at", "")),
        app_version=str(data.get("app_version", "")),
        tables=tables,
        files=files,
    )


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Check every listed file's size and sha256; raise BackupError listing what differs."""
    problems: list[str] = []
    for entry in manifest.files:
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']} is missing")
        elif path.stat().st_size != entry["size"]:
            problems.append(f"{entry['path']} has the wrong size")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its sha256")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise BackupError(
            "The backup is damaged; nothing was restored: " + "; ".join(problems[:5]) + more + "."
        )
