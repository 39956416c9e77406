"""Text helpers: slugs."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Marks that sit inside a word: "ICE's" is one word, as are "287(g)" and "U.S.";
# turning them into hyphens made `ice-s-287-g` of them.
_INSIDE_WORD = re.compile(r"['’‘`´()\[\]{}]")
_INITIALS = re.compile(r"\b([a-z])\.(?=[a-z]\.)|(?<=\b[a-z])\.")


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII, lower-case, hyphen-separated, readable: accents folded ("Élan" → "elan"),
    apostrophes, brackets and the dots of initials dropped inside words
    ("End ICE's 287(g) agreements now" → "end-ices-287g-agreements-now",
    "U.S. policy" → "us-policy"), "&" read as "and"; cut at a word's end."""
    text = _INSIDE_WORD.sub("", text or "").replace("&", " and ")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = _INITIALS.sub(r"\1", folded.lower())
    slug = _NON_WORD.sub("-", folded).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        # end at the last whole word that fits, unless that leaves almost nothing
        slug = cut.rsplit("-", 1)[0] if cut.rfind("-") >= max_length // 2 else cut[:max_length]
    return slug.rstrip("-") or "item"


def unique_slug(session: Session, column: InstrumentedAttribute[str], base: str) -> str:
    """``base`` or ``base-2``, ``base-3``… whichever no row uses yet in ``column``
    (the model's slug attribute: ``Campaign.slug``, ``Letter.slug``)."""
    slug, n = base, 1
    while True:
        if session.scalar(sa.select(sa.literal(1)).where(column == slug)) is None:
            return slug
        n += 1
        slug = f"{base[:55]}-{n}"
