"""The only way a letter render may read a resource: static/ and the upload store."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from campaign.uploads.store import UploadStore, sniff

UPLOAD_SCHEME = "upload"
# Images a letter may show from the upload store (never a stored PDF).
_UPLOAD_KINDS = {"png": "image/png", "jpeg": "image/jpeg"}


class RefusedURL(ValueError):
    """A render asked for a resource outside static/ and the upload store."""


def upload_url(sha256: str) -> str:
    """The URL a template uses for a stored file: ``upload:<sha256>``."""
    return f"{UPLOAD_SCHEME}:{sha256}"


class RestrictedURLFetcher(URLFetcher):
    """Serves files under ``static_dir`` and ``upload:<sha256>`` from ``upload_store``;
    refuses everything else (http, https, ftp, data, file: elsewhere) without opening it.

    WeasyPrint logs a refused resource as a warning and renders without it.
    """

    def __init__(self, static_dir: Path | str, upload_store: UploadStore | None = None) -> None:
        # No protocol is allowed to the base class; it is never called anyway.
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.static_root = Path(static_dir).resolve()
        self.upload_store = upload_store

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the resource, or raise :class:`RefusedURL`."""
        scheme, _, rest = url.partition(":")
        scheme = scheme.lower()
        if scheme == UPLOAD_SCHEME:
            return self._upload(url, rest)
        if scheme == "file":
            return self._static(url)
        raise RefusedURL(f"Letters may not load {scheme or 'this'} URLs: {url[:200]}")

    def _upload(self, url: str, sha256: str) -> URLFetcherResponse:
        store = self.upload_store
        if store is None or not store.exists(sha256):
            raise RefusedURL(f"Not a stored file: {url[:200]}")
        data = store.read(sha256)
        kind = sniff(data)
        if kind not in _UPLOAD_KINDS:
            raise RefusedURL(f"Not a stored image: {url[:200]}")
        return URLFetcherResponse(url, data, {"Content-Type": _UPLOAD_KINDS[kind]})

    def _static(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"Not a local file: {url[:200]}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise RefusedURL(f"Letters may only load files from static/: {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
