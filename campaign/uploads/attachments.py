"""Attachments shared by evidence records and agency responses: one set of rules.

PDF, PNG or JPEG, at most 20 MB, checked by content (never by name), stored by
sha256 in the upload store, and served only through a view that checks the role.
Here: reading the file from the form, the columns of an attachment row, adding one
(the service part) and serving one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaign.core.errors import Conflict, DomainError
from campaign.db import utcnow
from campaign.uploads.store import StoredFile, UploadStore, send_stored, store_for

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


# --- views: reading the file from the form --------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file as the form brought it: its first bytes (one past the limit) and its name."""

    data: bytes
    filename: str


def read_upload(field) -> Upload | None:
    """The file of a Flask-WTF FileField, or None when no file was chosen."""
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    # one byte past the limit is enough to refuse it without reading a huge body
    return Upload(storage.stream.read(MAX_ATTACHMENT_BYTES + 1), storage.filename)


def read_required_upload(field) -> Upload:
    """The file of a FileField; a DomainError on the field when none was chosen."""
    upload = read_upload(field)
    if upload is None:
        raise DomainError("Choose a file.", field=field.name)
    return upload


# --- models: the columns every attachment row has -------------------------------------


class AttachmentMixin:
    """A file attached to something (the class adds its id and its owner's key)."""

    sha256: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(10))
    size: Mapped[int]
    # shown and offered as the download name only; never used as a path
    original_name: Mapped[str] = mapped_column(sa.String(200))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


A = TypeVar("A", bound=AttachmentMixin)


# --- services: adding one -------------------------------------------------------------


def add_attachment_row(
    session: Session,
    model: type[A],
    *,
    owner: dict[str, int],
    store: UploadStore,
    data: bytes,
    filename: str | None,
    actor_id: int,
    duplicate: str,
) -> A:
    """Check and store the file, then add the ``model`` row that attaches it to ``owner``
    (e.g. ``{"record_id": 3}``); Conflict with ``duplicate`` when it is attached already."""
    stored = save_attachment(store, data)
    same_file = [getattr(model, key) == value for key, value in owner.items()]
    exists = session.scalar(
        sa.select(model.sha256).where(*same_file, model.sha256 == stored.sha256)
    )
    if exists is not None:
        raise Conflict(duplicate, field="attachment")
    item = model(
        **owner,
        sha256=stored.sha256,
        kind=stored.kind,
        size=stored.size,
        original_name=clean_filename(filename),
        added_by_id=actor_id,
    )
    session.add(item)
    session.flush()
    return item


# --- views: serving one ---------------------------------------------------------------


# What a browser may show in the page when asked to ("view"); anything else (.docx) is
# always saved. Shown or saved, the type is ours, never the uploader's.
INLINE_KINDS = frozenset({"pdf", "png", "jpeg"})


def send_attachment(item: AttachmentMixin, *, view: bool = False):
    """The response serving an attachment: saved as a file (Content-Disposition:
    attachment) unless the user asked to ``view`` it and it is a PDF, PNG or JPEG."""
    return send_stored(
        store_for(current_app),
        item.sha256,
        kind=item.kind,
        download_name=item.original_name,
        as_attachment=not (view and item.kind in INLINE_KINDS),
    )
