"""The upload store checks content, not names, and refuses path tricks."""

import io

import pytest
from PIL import Image

from campaign.uploads.store import UploadError, UploadStore, sniff


def png_bytes(size=(4, 4)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buf, "JPEG")
    return buf.getvalue()


def test_sniff_by_content():
    assert sniff(png_bytes()) == "png"
    assert sniff(jpeg_bytes()) == "jpeg"
    assert sniff(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n") == "pdf"
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>") is None
    assert sniff(b"\x89PNG\r\n\x1a\n not really a png") is None
    assert sniff(b"%PDF-1.4 truncated") is None


def test_a_truncated_jpeg_is_not_an_image():
    buf = io.BytesIO()
    noise = Image.effect_noise((400, 300), 80).convert("RGB")
    noise.save(buf, "JPEG", quality=90)
    whole = buf.getvalue()
    assert sniff(whole) == "jpeg"
    for cut in (0.5, 0.95):
        assert sniff(whole[: int(len(whole) * cut)]) is None, cut


def test_save_is_by_hash_and_idempotent(tmp_path):
    store = UploadStore(tmp_path)
    data = png_bytes()
    first = store.save(data, allowed={"png", "jpeg"}, max_bytes=1024 * 1024)
    second = store.save(data, allowed={"png", "jpeg"}, max_bytes=1024 * 1024)
    assert first == second and first.kind == "png" and store.read(first.sha256) == data
    assert len(list(tmp_path.rglob("*"))) == 2  # one folder, one file


def test_refusals(tmp_path):
    store = UploadStore(tmp_path)
    with pytest.raises(UploadError, match="PNG or JPEG"):
        store.save(b"GIF89a....", allowed={"png", "jpeg"}, max_bytes=1000)
    with pytest.raises(UploadError, match="larger than 1 MB"):
        store.save(png_bytes() + b"\0" * (1024 * 1024), allowed={"png"}, max_bytes=1024 * 1024)
    with pytest.raises(UploadError, match="empty"):
        store.save(b"", allowed={"png"}, max_bytes=1000)
    with pytest.raises(UploadError):
        store.path_for("../../etc/passwd")
    assert not store.exists("../" * 10 + "etc/passwd")
