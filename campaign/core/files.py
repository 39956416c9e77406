"""Files of the instance folder that only the app's own user may read.

The database, the secret key, uploads, mail and backups hold personal data and secrets:
folders are made 0700 and files 0600 whatever the process umask is.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) as 0700 folders; an existing one is left as is."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    for folder in missing:
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a 0600 file, atomically (a ``.part`` file renamed)."""
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(tmp, FILE_MODE)  # an existing .part kept its old mode
    os.replace(tmp, path)


def make_private(path: Path) -> None:
    """Take group and other permissions off an existing file or folder of ours."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        with contextlib.suppress(PermissionError):  # not ours: nothing we may do about it
            os.chmod(path, mode & 0o700)
