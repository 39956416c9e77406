"""Collections a page at a time (``page``, ``per_page`` ≤ 100) and OSDI's OData filter on
``modified_date``, so that a partner can sync incrementally.

Every collection is ordered by (modified time, id): a partner that keeps the newest
``modified_date`` it read asks next for ``filter=modified_date gt '…'`` and gets what
changed since, oldest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.errors import DomainError

DEFAULT_PER_PAGE = 25  # Action Network's
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000

_CLAUSE = re.compile(r"^\s*modified_date\s+(gt|ge|lt|le|eq)\s+'([^']{1,40})'\s*$", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "gt": lambda c, v: c > v,
    "ge": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "le": lambda c, v: c <= v,
    "eq": lambda c, v: c == v,
}


class BadRequest(DomainError):
    """A query parameter the API does not understand (400, naming it)."""


@dataclass(frozen=True)
class Listing:
    """What the query string asks of a collection."""

    page: int
    per_page: int
    filters: tuple[tuple[str, datetime], ...]
    raw_filter: str | None

    def where(self, column: sa.ColumnElement) -> list[sa.ColumnElement[bool]]:
        """The filter as conditions on ``column`` (the modified time)."""
        return [_OPERATORS[op](column, value) for op, value in self.filters]


def parse_datetime(raw: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is UTC."""
    text = raw.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{raw!r} is not an ISO 8601 date or date-time.", field="filter")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_filter(raw: str | None) -> tuple[tuple[str, datetime], ...]:
    """``modified_date gt '2026-12-01T00:00:00Z' [and modified_date lt '…']``."""
    if raw is None or not raw.strip():
        return ()
    clauses = []
    for part in _AND.split(raw.strip()):
        match = _CLAUSE.match(part)
        if match is None:
            raise BadRequest(
                "Only filter=modified_date gt|ge|lt|le|eq '<ISO 8601 date-time>' is supported "
                "(clauses joined by 'and').",
                field="filter",
            )
        clauses.append((match.group(1).lower(), parse_datetime(match.group(2))))
    return tuple(clauses)


def _int(args: Any, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number.", field=name)
    if value < low:
        raise BadRequest(f"{name} must be at least {low}.", field=name)
    return min(value, high)


def parse_listing(args: Any) -> Listing:
    """Page, page size (capped at 100, as OSDI lets a server do) and filter."""
    return Listing(
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        filters=parse_filter(args.get("filter")),
        raw_filter=args.get("filter") or None,
    )


@dataclass
class Slice:
    """One page of a collection: its rows (in order) and the count of all."""

    rows: list[Any]
    total: int
    listing: Listing

    @property
    def total_pages(self) -> int:
        return -(-self.total // self.listing.per_page)


def fetch(
    session: Session,
    model: type,
    conditions: Sequence[sa.ColumnElement[bool]],
    listing: Listing,
    *,
    options: Sequence[Any] = (),
) -> Slice:
    """The page's rows of ``model`` matching ``conditions`` and the filter, by (updated_at,
    id). The page's ids come first, from an index alone (a deep page skips index entries,
    not rows), then their rows; the total is one COUNT."""
    modified = model.updated_at
    where = [*conditions, *listing.where(modified)]
    total = session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0
    offset = (listing.page - 1) * listing.per_page
    if offset >= total:
        return Slice([], total, listing)
    ids = list(
        session.scalars(
            sa.select(model.id)
            .where(*where)
            .order_by(modified, model.id)
            .limit(listing.per_page)
            .offset(offset)
        )
    )
    found = {
        row.id: row
        for row in session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options))
    }
    return Slice([found[i] for i in ids if i in found], total, listing)


def page_links(href: str, page: Slice, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """``self``, ``next`` and ``prev`` links keeping the page size and filter."""
    listing = page.listing

    def at(number: int) -> dict[str, str]:
        params = {"page": str(number), "per_page": str(listing.per_page), **(extra or {})}
        if listing.raw_filter:
            params["filter"] = listing.raw_filter
        return {"href": f"{href}?{urlencode(params)}"}

    links = {"self": at(listing.page)}
    if listing.page < page.total_pages:
        links["next"] = at(listing.page + 1)
    if 1 < listing.page <= page.total_pages + 1 and page.total_pages:
        links["prev"] = at(listing.page - 1)
    return links


def collection(
    href: str, rel: str, page: Slice, items: list[dict[str, Any]], extra_links: dict | None = None
) -> dict[str, Any]:
    """An OSDI collection: counts, paging links, a link to each item, the items embedded."""
    links = page_links(href, page)
    links[rel] = [{"href": item["_links"]["self"]["href"]} for item in items]
    links.update(extra_links or {})
    return {
        "total_pages": page.total_pages,
        "per_page": page.listing.per_page,
        "page": page.listing.page,
        "total_records": page.total,
        "_links": links,
        "_embedded": {rel: items},
    }
