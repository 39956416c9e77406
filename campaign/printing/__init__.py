"""Printing letters: a plain snapshot in, PDF or DOCX bytes out (no ORM, no request).

The public API::

    LetterSnapshot, Signatory, Withdrawal   # the frozen input (snapshot.py)
    render_pdf(snapshot, *, static_dir, upload_store, lang=None) -> bytes   # tagged (PDF/UA-1)
    render_docx(snapshot, *, upload_store) -> bytes
    snapshot_fingerprint(snapshot) -> str   # sha256 of the canonical JSON
    render_cache_key(snapshot, kind) -> str # the fingerprint + the renderer's own files
    build_list(signatories, grouping, ...) -> SignatoryList   # the groups and N, M

The renderers are imported lazily so that reading a snapshot does not load WeasyPrint.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from campaign.config import ROOT
from campaign.printing.grouping import SignatoryList, build_list
from campaign.printing.snapshot import LetterSnapshot, Signatory, Withdrawal, snapshot_fingerprint

if TYPE_CHECKING:
    from pathlib import Path

    from campaign.uploads.store import UploadStore

__all__ = [
    "LetterSnapshot",
    "Signatory",
    "SignatoryList",
    "Withdrawal",
    "build_list",
    "render_cache_key",
    "render_docx",
    "render_pdf",
    "snapshot_fingerprint",
]


def render_pdf(
    snapshot: LetterSnapshot,
    *,
    static_dir: Path | str,
    upload_store: UploadStore | None,
    lang: str | None = None,
) -> bytes:
    """The letter and its signatory list as PDF bytes (see campaign.printing.pdf)."""
    from campaign.printing.pdf import render_pdf as _render

    return _render(snapshot, static_dir=static_dir, upload_store=upload_store, lang=lang)


def render_docx(snapshot: LetterSnapshot, *, upload_store: UploadStore | None) -> bytes:
    """The letter and its signatory list as .docx bytes (see campaign.printing.docx)."""
    from campaign.printing.docx import render_docx as _render

    return _render(snapshot, upload_store=upload_store)


# What a rendered file depends on besides the snapshot: change any of these (a deploy)
# and earlier cached renders no longer match.
_RENDERER_FILES = (
    "templates/pdf/letter.html",
    "static/pdf/letter.css",
    "campaign/printing/columns.py",
    "campaign/printing/docx.py",
    "campaign/printing/grouping.py",
    "campaign/printing/markup.py",
    "campaign/printing/pdf.py",
)


def render_cache_key(snapshot: LetterSnapshot, kind: str) -> str:
    """A cache key for a rendered ``kind`` ("pdf" or "docx"): it changes when the snapshot
    (the letter, the list, the options) or the renderer's templates and code change."""
    digest = hashlib.sha256(f"{kind}\n{snapshot_fingerprint(snapshot)}\n".encode())
    for name in _RENDERER_FILES:
        path = ROOT / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()
