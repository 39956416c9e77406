"""Normalising organization and agency names, for de-duplication and matching."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+")
_SUFFIXES = re.compile(r"(\s+(inc|incorporated|llc|corp|corporation|ltd|co))+$")


def fold(text: str) -> str:
    """Lower-case, accents removed, curly quotes made straight, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().casefold()


def org_key(name: str) -> str:
    """The de-duplication key of an organization name.

    Case, accents, punctuation, a leading "The" and a trailing "Inc." (and the
    like) are ignored: "The Immigrant Rights Coalition, Inc." and
    "immigrant rights coalition" give the same key.
    """
    text = fold(name).replace("&", " and ").replace("'", "")
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    text = _LEADING_THE.sub("", text)
    text = _SUFFIXES.sub("", text)
    return text.strip()


def sort_key(name: str) -> str:
    """A–Z ordering that ignores a leading "The", case and accents."""
    return _LEADING_THE.sub("", fold(name))
