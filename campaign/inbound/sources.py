"""Where mail is read from: .eml files, a directory of them, a Maildir, an mbox.

Each source yields (name, bytes) pairs, reading at most one byte past the size limit
of a message (the parser refuses it without the rest). A Maildir's new messages are
moved to ``cur/`` with the Seen flag once ingested (``mark_seen``), the way a mail
client does, so that a watcher reads each once; an mbox is read whole every time and
the ingested messages are recognised by their hash.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """The path cannot be read as mail (missing, unreadable, not a mailbox)."""


@dataclass(frozen=True)
class Item:
    """One message of a source: a name for the report, its bytes, where it sits."""

    name: str
    raw: bytes
    path: Path | None = None  # a Maildir message's file (to be marked seen)
    error: str = ""  # the file could not be read


def is_maildir(path: Path) -> bool:
    """A directory with new/ and cur/ (tmp/ is the server's business)."""
    return path.is_dir() and (path / "new").is_dir() and (path / "cur").is_dir()


def read(path: Path, max_bytes: int) -> Iterator[Item]:
    """Every message at ``path``; SourceError when it is no file, directory or mailbox."""
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory.")
    if is_maildir(path):
        yield from maildir_new(path, max_bytes, include_unseen_cur=True)
    elif path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".eml")
        for file in files:
            yield _item(file.name, file, max_bytes)
    elif path.is_file():
        if _is_mbox(path):
            yield from _mbox(path, max_bytes)
        else:
            yield _item(path.name, path, max_bytes)
    else:
        raise SourceError(f"{path}: not a file or directory.")


def _item(name: str, path: Path, max_bytes: int, *, keep_path: bool = False) -> Item:
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as err:
        return Item(name, b"", path if keep_path else None, error=err.strerror or str(err))
    return Item(name, raw, path if keep_path else None)


def _is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"From "
    except OSError as err:
        raise SourceError(f"{path}: {err.strerror}.")


def _mbox(path: Path, max_bytes: int) -> Iterator[Item]:
    box = mailbox.mbox(path, create=False)
    try:
        for n, key in enumerate(box.iterkeys(), start=1):
            with box.get_file(key) as fh:
                yield Item(f"{path.name}#{n}", fh.read(max_bytes + 1))
    finally:
        box.close()


def maildir_new(
    path: Path, max_bytes: int, *, include_unseen_cur: bool = False, limit: int | None = None
) -> Iterator[Item]:
    """The Maildir's messages not yet seen, oldest first: each of new/ claimed by moving it
    to cur/ before it is read (a rename: of two watchers of one Maildir, one gets it), and
    for a one-off run the messages of cur/ without the Seen flag too (a claim that a
    crash interrupted, or mail a person left unread). ``limit``: at most that many."""
    files = [p for p in (path / "new").iterdir() if p.is_file() and not p.name.startswith(".")]
    if include_unseen_cur:
        files += [
            p
            for p in (path / "cur").iterdir()
            if p.is_file() and not p.name.startswith(".") and "S" not in _flags(p.name)
        ]
    files.sort(key=_age)
    taken = 0
    for file in files:
        if limit is not None and taken >= limit:
            return
        if file.parent.name == "new":
            claimed = path / "cur" / (file.name if ":2," in file.name else f"{file.name}:2,")
            try:
                os.rename(file, claimed)
            except FileNotFoundError:
                continue  # another watcher took it
            file = claimed
        taken += 1
        yield _item(f"{path.name}/{file.name}", file, max_bytes, keep_path=True)


def _age(path: Path) -> tuple[float, str]:
    try:
        return path.stat().st_mtime, path.name
    except FileNotFoundError:  # taken meanwhile by another watcher
        return 0.0, path.name


def _flags(name: str) -> str:
    return name.split(":2,", 1)[1] if ":2," in name else ""


def mark_seen(file: Path) -> None:
    """Move a Maildir message to cur/ with the Seen flag (Maildir's own convention)."""
    base = file.name.split(":2,", 1)[0]
    flags = "".join(sorted(set(_flags(file.name)) | {"S"}))
    target = file.parent.parent / "cur" / f"{base}:2,{flags}"
    if target != file:
        os.replace(file, target)
