"""Rendering reads static/ and the upload store only: never the network, never other files."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from campaign.printing import pdf as pdf_module
from campaign.printing.fetcher import RefusedURL, RestrictedURLFetcher, upload_url
from tests.printing.conftest import INJECTION, STATIC, make_snapshot, png_bytes

EVIL_HTML = """<!doctype html><html><head>
<link rel="stylesheet" href="https://example.com/evil.css">
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="../pyproject.toml">
<style>@import url("http://example.com/import.css");
body { background: url(ftp://example.com/x.png) }</style>
</head><body>
<img src="https://example.com/x.png"><img src="http://127.0.0.1:9/x.png">
<img src="file:///etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo=">
<img src="upload:../../etc/passwd"><p>Text survives.</p></body></html>"""


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a socket or a urllib request."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("network access during a render")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


@pytest.fixture
def spy(monkeypatch):
    """Every URL the renderer asks for, and whether it was served."""
    asked: list[tuple[str, bool]] = []
    real = RestrictedURLFetcher.fetch

    def fetch(self, url, headers=None):
        try:
            response = real(self, url, headers)
        except RefusedURL:
            asked.append((url, False))
            raise
        asked.append((url, True))
        return response

    monkeypatch.setattr(RestrictedURLFetcher, "fetch", fetch)
    return asked


def test_hostile_references_are_asked_for_and_refused(spy, no_network, upload_store):
    pdf = pdf_module.html_to_pdf(EVIL_HTML, static_dir=STATIC, upload_store=upload_store)
    assert pdf.startswith(b"%PDF-")
    refused = {url for url, ok in spy if not ok}
    assert "https://example.com/x.png" in refused
    assert "https://example.com/evil.css" in refused
    assert "file:///etc/passwd" in refused
    assert any(u.endswith("/pyproject.toml") for u in refused)
    assert all(not ok for _, ok in spy), spy
    assert no_network == []


def test_the_letter_loads_only_its_stylesheet_and_stored_logos(spy, no_network, upload_store):
    sha = upload_store.save(png_bytes(), allowed={"png"}, max_bytes=10**6).sha256
    snap = make_snapshot(
        logo_sha256=sha,
        body_markdown="See ![x](https://example.com/x.png) and <img src=https://example.com/y>.",
        signatories=[*make_snapshot().signatories[:3]],
    )
    pdf_module.render_pdf(snap, static_dir=STATIC, upload_store=upload_store)
    urls = [url for url, _ in spy]
    assert all(ok for _, ok in spy), spy
    assert urls[0].endswith("/static/pdf/letter.css") and urls[0].startswith("file://")
    assert upload_url(sha) in urls
    assert not any("example.com" in u for u in urls)
    assert no_network == []


def test_injection_names_never_reach_the_fetcher(spy, no_network):
    from campaign.printing.snapshot import Signatory

    snap = make_snapshot(body_markdown="Short.", signatories=[Signatory(INJECTION, "national")])
    html = pdf_module.render_html(snap)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="https://example.com' not in html
    pdf_module.render_pdf(snap, static_dir=STATIC, upload_store=None)
    assert not any("example.com" in u for u, _ in spy)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.png",
        "http://localhost/x.css",
        "ftp://example.com/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://example.com/static/app.css",
        "javascript:alert(1)",
        "upload:not-a-hash",
        "upload:../../etc/passwd",
        "upload:" + "a" * 64,  # well formed, not stored
    ],
)
def test_fetcher_refuses(url, upload_store):
    with pytest.raises(RefusedURL):
        RestrictedURLFetcher(STATIC, upload_store).fetch(url)


def test_fetcher_refuses_escapes_from_static(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (static / "link.css").symlink_to(tmp_path / "secret.txt")
    fetcher = RestrictedURLFetcher(static)
    for url in (
        (static / ".." / "secret.txt").as_uri(),
        static.as_uri() + "/../secret.txt",
        (static / "link.css").as_uri(),  # a symlink pointing outside
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_fetcher_serves_static_files_and_stored_images(upload_store):
    fetcher = RestrictedURLFetcher(STATIC, upload_store)
    css = fetcher.fetch((STATIC / "pdf" / "letter.css").as_uri())
    assert css.content_type == "text/css" and b"@page" in css.read()
    sha = upload_store.save(png_bytes(), allowed={"png"}, max_bytes=10**6).sha256
    image = fetcher.fetch(upload_url(sha))
    assert image.content_type == "image/png" and image.read() == upload_store.read(sha)


def test_fetcher_refuses_a_stored_pdf(upload_store):
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    sha = upload_store.save(pdf, allowed={"pdf"}, max_bytes=10**6).sha256
    with pytest.raises(RefusedURL):
        RestrictedURLFetcher(STATIC, upload_store).fetch(upload_url(sha))
    with pytest.raises(RefusedURL):
        RestrictedURLFetcher(STATIC, None).fetch(upload_url(sha))
