"""Printing letters: a plain snapshot in, PDF or DOCX bytes out (no ORM, no request).

The public API::

    LetterSnapshot, Signatory          # the frozen input (snapshot.py)
    render_pdf(snapshot, *, static_dir, upload_store) -> bytes
    render_docx(snapshot, *, upload_store) -> bytes
    snapshot_fingerprint(snapshot) -> str   # sha256 of the canonical JSON
    build_list(signatories, grouping, ...) -> SignatoryList   # the groups and N, M

The renderers are imported lazily so that reading a snapshot does not load WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaign.printing.grouping import SignatoryList, build_list
from campaign.printing.snapshot import LetterSnapshot, Signatory, snapshot_fingerprint

if TYPE_CHECKING:
    from pathlib import Path

    from campaign.uploads.store import UploadStore

__all__ = [
    "LetterSnapshot",
    "Signatory",
    "SignatoryList",
    "build_list",
    "render_docx",
    "render_pdf",
    "snapshot_fingerprint",
]


def render_pdf(
    snapshot: LetterSnapshot, *, static_dir: Path | str, upload_store: UploadStore | None
) -> bytes:
    """The letter and its signatory list as PDF bytes (see campaign.printing.pdf)."""
    from campaign.printing.pdf import render_pdf as _render

    return _render(snapshot, static_dir=static_dir, upload_store=upload_store)


def render_docx(snapshot: LetterSnapshot, *, upload_store: UploadStore | None) -> bytes:
    """The letter and its signatory list as .docx bytes (see campaign.printing.docx)."""
    from campaign.printing.docx import render_docx as _render

    return _render(snapshot, upload_store=upload_store)
