"""Storing uploaded files by content hash, after checking what they really are."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from campaign.core.errors import DomainError
from campaign.core.files import private_dir, write_private

# What a kind of file looks like inside, its MIME type and its file extension.
KINDS: dict[str, tuple[str, str]] = {
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    # an email as received (a response's original .eml): never sniffed from an upload,
    # only kept by ``UploadStore.keep`` after the mail parser has read it; always a download
    "eml": ("message/rfc822", ".eml"),
}

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UploadError(DomainError):
    """The file was refused (wrong type, too large, empty, unreadable)."""


@dataclass(frozen=True)
class StoredFile:
    """A file in the store: its hash, its kind, its size."""

    sha256: str
    kind: str
    size: int

    @property
    def mimetype(self) -> str:
        return KINDS[self.kind][0]

    @property
    def extension(self) -> str:
        return KINDS[self.kind][1]


def sniff(data: bytes) -> str | None:
    """The kind of file by its content (never by its name), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _image_ok(data, "PNG") else None
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg" if _image_ok(data, "JPEG") else None
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _docx_ok(data) else None
    return None


def _docx_ok(data: bytes) -> bool:
    # A Word document is a ZIP holding word/document.xml; only the directory is read.
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except Exception:  # any unreadable archive is simply not a .docx
        return False


def _image_ok(data: bytes, fmt: str) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                return False
            # refuse decompression bombs before anything tries to draw them
            if img.width * img.height > 40_000_000:
                return False
            if fmt == "JPEG":
                _decode_whole(img)
            else:
                img.verify()
    except Exception:
        return False
    return True


_TRUNCATED_LOCK = threading.Lock()


def _decode_whole(img) -> None:
    """Decode a JPEG, raising if it is cut short.

    ``verify()`` does not decode a JPEG, so a truncated file passed. Decoding at 1/8 scale
    reads all of the compressed data at a fraction of the cost (8 ms for 12 megapixels).
    WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES so that a broken image
    never stops a PDF; it is turned off for the moment of this check.
    """
    from PIL import ImageFile

    img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
    with _TRUNCATED_LOCK:
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            img.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def describe(allowed: set[str]) -> str:
    """Human list of allowed kinds, e.g. "PNG or JPEG"."""
    names = [k.upper() for k in KINDS if k in allowed]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class UploadStore:
    """Files under one directory, at ``ab/cdef…`` by their sha256."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        """Where a hash lives; refuses anything that is not a hex sha256 (no path tricks)."""
        if not _SHA256.match(sha256):
            raise UploadError("Not a file of this site.")
        return self.root / sha256[:2] / sha256

    def save(self, data: bytes, *, allowed: set[str], max_bytes: int) -> StoredFile:
        """Check and store ``data``; the same content is stored once."""
        if not data:
            raise UploadError("The file is empty.")
        if len(data) > max_bytes:
            raise UploadError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
        kind = sniff(data)
        if kind is None or kind not in allowed:
            raise UploadError(f"The file must be a {describe(allowed)} file.")
        return self._write(data, kind)

    def keep(self, data: bytes, kind: str) -> StoredFile:
        """Store bytes whose kind the app established itself (an email its mail parser
        read), without sniffing; the same content is stored once."""
        if kind not in KINDS or not data:
            raise UploadError("Nothing to keep.")
        return self._write(data, kind)

    def _write(self, data: bytes, kind: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        if not path.exists():
            private_dir(path.parent)
            write_private(path, data)
        return StoredFile(sha256=digest, kind=kind, size=len(data))

    def read(self, sha256: str) -> bytes:
        """The bytes of a stored file."""
        return self.path_for(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        """True when the store holds this hash."""
        try:
            return self.path_for(sha256).is_file()
        except UploadError:
            return False


def store_for(app) -> UploadStore:
    """The app's upload store (CAMPAIGN_UPLOAD_DIR)."""
    return UploadStore(app.config["UPLOAD_DIR"])


def send_stored(
    store: UploadStore, sha256: str, *, kind: str, download_name: str, as_attachment: bool = False
):
    """A response serving a stored file: Content-Disposition set, content type fixed, nosniff.

    ``as_attachment``: the browser saves the file instead of showing it.
    """
    from flask import abort, send_file

    if kind not in KINDS or not store.exists(sha256):
        abort(404)
    mimetype, ext = KINDS[kind]
    name = re.sub(r"[^\w.\- ]+", "_", download_name).strip() or "file"
    if not name.lower().endswith(ext):
        name += ext
    # Every kind we store is safe to show inline; the type is ours, never the uploader's.
    response = send_file(
        store.path_for(sha256),
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=name,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
