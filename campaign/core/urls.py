"""URL helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a local path (no scheme, no host), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL for ``endpoint`` on the configured public address (``BASE_URL``).

    Every link that leaves the page (emails, the share link) is built here and never from
    the request: its Host header is whatever the sender typed (issue 16.1). A path in the
    base URL (an app served under /campaign) is kept.
    """
    app = current_app
    base = urlsplit(app.config["BASE_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
