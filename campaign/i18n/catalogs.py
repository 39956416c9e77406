"""Compiling the committed ``.po`` catalogues into the ``.mo`` files gettext reads.

Only the ``.po`` files are in git. ``create_app`` compiles any catalogue whose ``.mo``
is missing or older than its ``.po``, so ``make run``, ``make test`` and a fresh clone
need no extra step. Each ``.mo`` is written to a temporary file and renamed into place:
several processes starting at once (gunicorn workers, test servers) never read half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def _po_files(source: Path) -> list[Path]:
    return sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def stale(source: Path = SOURCE, target: Path | None = None) -> list[Path]:
    """The ``.po`` files whose ``.mo`` (under ``target``, default beside them) is missing or
    older."""
    out = []
    for po in _po_files(source):
        mo = (target or source) / po.relative_to(source).with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(po)
    return out


def compile_catalogs(source: Path = SOURCE, target: Path | None = None) -> list[Path]:
    """Write a ``.mo`` for each stale ``.po``; the ``.mo`` files written."""
    target = target or source
    written = []
    for po in stale(source, target):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                # fuzzy entries are guesses `pybabel update` made: never shown to signers
                write_mo(out, catalog, use_fuzzy=False)
            os.chmod(tmp, 0o644)
            os.replace(tmp, mo)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(mo)
    return written


def ensure_compiled(instance: Path) -> Path:
    """The folder to read ``.mo`` files from: the package's own, compiled if needed, or a
    copy under the instance folder when the package is not writable (an installed wheel
    run by another user)."""
    try:
        compile_catalogs(SOURCE)
        return SOURCE
    except OSError:
        target = instance / "translations"
        compile_catalogs(SOURCE, target)
        return target
