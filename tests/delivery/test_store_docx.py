"""The upload store's .docx kind: a ZIP holding word/document.xml, nothing else."""

from __future__ import annotations

import io
import zipfile

import pytest

from campaign.printing import render_docx
from campaign.uploads.store import UploadError, UploadStore, sniff
from tests.printing.conftest import make_snapshot


def _zip(**members: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in members.items():
            archive.writestr(name.replace("__", "/"), text)
    return buf.getvalue()


def test_a_rendered_docx_is_stored_as_docx(tmp_path):
    data = render_docx(make_snapshot(), upload_store=None)
    assert sniff(data) == "docx"
    stored = UploadStore(tmp_path).save(data, allowed={"docx"}, max_bytes=50 * 1024 * 1024)
    assert stored.kind == "docx" and stored.extension == ".docx"


@pytest.mark.parametrize(
    "data",
    [_zip(hello__txt="not a document"), b"PK\x03\x04 broken archive", b"PK\x03\x04"],
)
def test_other_zips_are_not_docx(data):
    assert sniff(data) is None


def test_docx_is_refused_where_it_is_not_allowed(tmp_path):
    data = render_docx(make_snapshot(), upload_store=None)
    with pytest.raises(UploadError):
        UploadStore(tmp_path).save(data, allowed={"pdf", "png", "jpeg"}, max_bytes=10**8)
