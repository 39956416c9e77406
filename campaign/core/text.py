"""Text helpers: slugs."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower-case, hyphen-separated; accents folded ("Élan" → "elan")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def unique_slug(session: Session, column: InstrumentedAttribute[str], base: str) -> str:
    """``base`` or ``base-2``, ``base-3``… whichever no row uses yet in ``column``
    (the model's slug attribute: ``Campaign.slug``, ``Letter.slug``)."""
    slug, n = base, 1
    while True:
        if session.scalar(sa.select(sa.literal(1)).where(column == slug)) is None:
            return slug
        n += 1
        slug = f"{base[:55]}-{n}"
