"""Paging a SELECT in two queries (the rows, and one COUNT), whatever the table size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


@dataclass
class Page:
    """One page of results."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    # True when ``total`` is a floor: the count stopped there ("1,000+")
    more: bool = False

    @property
    def total_label(self) -> str:
        """The total as the page says it: "1,234", or "1,000+" when counting stopped."""
        return f"{self.total:,}" + ("+" if self.more else "")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.more


def parse_page(raw: str | None) -> int:
    """A page number from the query string; anything odd means page 1."""
    try:
        return max(1, min(int(raw or 1), 1_000_000))
    except ValueError:
        return 1


def paginate(
    session: Session,
    query: sa.Select,
    *,
    page: int,
    per_page: int = 50,
    scalars: bool = True,
    total: int | None = None,
    more: bool = False,
) -> Page:
    """Run ``query`` for one page plus a COUNT of the whole result (unless the caller
    knows ``total`` already, e.g. from a cheaper query without the page's joins; ``more``
    when that total is where a capped count stopped)."""
    if total is None:
        count = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        total = int(session.scalar(count) or 0)
    last = max(1, -(-total // per_page))
    page = min(page, last)
    paged = query.limit(per_page).offset((page - 1) * per_page)
    result = session.execute(paged)
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total, more=more)
