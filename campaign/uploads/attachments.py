"""Attachments shared by evidence records and agency responses: one set of rules.

PDF, PNG or JPEG, at most 20 MB, checked by content (never by name), stored by
sha256 in the upload store, and served only through a view that checks the role.
"""

from __future__ import annotations

import re
import unicodedata

from campaign.uploads.store import StoredFile, UploadStore

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = {"pdf", "png", "jpeg"}
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def clean_filename(name: str | None, default: str = "attachment") -> str:
    """A display name for an uploaded file: no folders, no control characters, short.

    It is only ever shown and offered as a download name, never used as a path;
    ``default`` when nothing is left.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return name[:200] or default


def save_attachment(store: UploadStore, data: bytes) -> StoredFile:
    """Check ``data`` against the attachment rules and store it (UploadError if refused)."""
    return store.save(data, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)


def read_upload(field) -> tuple[bytes, str] | None:
    """(bytes, file name) of a Flask-WTF FileField, or None when no file was chosen."""
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    # one byte past the limit is enough to refuse it without reading a huge body
    return storage.stream.read(MAX_ATTACHMENT_BYTES + 1), storage.filename
