"""File downloads built while they are sent."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, stream_with_context


def csv_download(chunks: Iterator[bytes], filename: str) -> Response:
    """A CSV attachment sent chunk by chunk as ``chunks`` makes it (never whole in memory).

    ``chunks`` runs after the view has returned, inside the request context that
    ``stream_with_context`` pushes again around it. By then the request has already been
    torn down once (Flask 3.1), so the view's database session is closed: the generator
    must query through ``db.session`` (the scoped proxy opens a fresh session, which the
    teardown at the end of the stream closes, also when the client goes away) and take
    plain values, not the view's ORM objects.
    """
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
