"""``?format=csv``: a whole (filtered) collection as CSV, flattened from the very
representations the JSON answers carry, streamed a chunk at a time."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from flask import Response, stream_with_context
from sqlalchemy.orm import Session

from campaign.api.paging import Listing
from campaign.review.csvio import stream_csv

CHUNK = 500


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One representation as one row: nested objects as ``a.b`` columns, lists as text
    joined by "; ", links left out."""
    row: dict[str, Any] = {}
    for key, value in doc.items():
        if key in ("_links", "_embedded"):
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            row[name] = "; ".join(
                " ".join(str(v) for v in item.values() if v not in (None, "", True))
                if isinstance(item, dict)
                else str(item)
                for item in value
            )
        else:
            row[name] = value
    return row


def keyset_chunks(
    session: Session,
    model: type,
    conditions: Sequence[sa.ColumnElement[bool]],
    listing: Listing,
    serialize: Callable[[list[Any]], list[dict[str, Any]]],
) -> Iterator[list[dict[str, Any]]]:
    """The matching rows by (updated_at, id), ``CHUNK`` at a time, each chunk serialized;
    each chunk starts after the last one's key (no OFFSET, however long the list)."""
    where = [*conditions, *listing.where(model.updated_at)]
    after: tuple[Any, int] | None = None
    while True:
        query = sa.select(model).where(*where)
        if after is not None:
            query = query.where(sa.tuple_(model.updated_at, model.id) > sa.tuple_(*after))
        rows = list(session.scalars(query.order_by(model.updated_at, model.id).limit(CHUNK)))
        if not rows:
            return
        yield serialize(rows)
        after = (rows[-1].updated_at, rows[-1].id)
        if len(rows) < CHUNK:
            return


def csv_response(chunks: Iterator[list[dict[str, Any]]], filename: str) -> Response:
    """The chunks' items as one CSV download; columns from the first item."""
    items = (flatten(item) for chunk in chunks for item in chunk)
    first = next(items, None)
    header = list(first) if first is not None else ["identifiers"]
    rows = (
        [row.get(column, "") for column in header]
        for row in itertools.chain([first] if first is not None else [], items)
    )
    response = Response(
        stream_with_context(stream_csv(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
