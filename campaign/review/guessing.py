"""Guessing which column of a sign-on file holds which field, from the column names.

Google Forms headers are the questions themselves ("Is your organization national,
statewide, or local?", "State (if statewide or local)"), so a word found anywhere in a
header is weak evidence: "statewide" is not the state, and "organization" appears in
half the questions. Each (field, header) pair gets a score, and the best pairs are
taken first:

4  the header *is* the field's name, once a parenthesis, punctuation and case are
   set aside ("State (if statewide or local)" is the state), or it asks the level
   question (it names two of national / statewide / local);
3  the header starts with the field's name ("Email Address", "Level of your organization");
2  the header holds one of the field's words as a whole word ("Your state").

Ties go to the field listed first in ``_GUESSES`` (a listing question mentions the
organization's name, so it is tried as "listed" before "organization"), then to the
column further left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from campaign.core.names import fold

_PARENTHESIS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^\w]+")
_LEVEL_WORDS = (
    ("national", "nationwide"),
    ("statewide", "state", "regional"),
    ("local", "city", "county", "community"),
)


@dataclass(frozen=True)
class _Guess:
    field: str
    names: tuple[str, ...]  # what a column holding only this field is called
    words: tuple[str, ...] = ()  # words that point at it inside a longer question


# In order of precedence when two fields score the same on a header.
_GUESSES: tuple[_Guess, ...] = (
    _Guess("signed_at", ("timestamp", "marca temporal", "submitted", "submitted at", "date",
                          "date signed", "fecha"), ("timestamp", "submitted")),
    _Guess("signer_email", ("email", "email address", "e mail", "e mail address", "your email",
                            "correo", "correo electronico"), ("email", "e mail", "correo")),
    _Guess("keep_informed", ("keep me informed", "keep informed", "updates", "stay informed"),
           ("informed", "updates", "update", "mailing list", "newsletter", "notify",
            "notified", "keep me posted", "keep us posted")),
    _Guess("listed", ("listed", "list publicly", "list name", "list our name", "public listing",
                      "display name"), ("list", "listed", "publicly", "public", "display")),
    _Guess("level", ("level", "scope", "type of organization", "organization level",
                     "level of organization", "nivel"), ("level", "scope")),
    _Guess("state", ("state", "state or territory", "your state", "estado"), ("state", "estado")),
    _Guess("website", ("website", "web site", "url", "organization website", "website url",
                       "sitio web"), ("website", "web site", "url")),
    _Guess("city", ("city", "town", "city town", "city or town", "ciudad"), ("city", "town")),
    _Guess("signer_title", ("title", "job title", "your title", "position", "role", "cargo",
                            "title of person signing", "signer title", "signer s title"),
           ("title", "position", "role")),
    _Guess("comment", ("comment", "comments", "note", "notes", "message", "anything else",
                       "comentarios"), ("comment", "note", "message")),
    _Guess("org_name", ("organization", "organization name", "name of organization",
                        "name of your organization", "organisation", "organisation name",
                        "org name", "org", "group", "group name", "organizacion",
                        "nombre de la organizacion"),
           ("organization", "organisation", "org name", "group", "organizacion")),
    _Guess("signer_name", ("name", "your name", "full name", "signer", "signer name",
                           "signer s name", "signatory", "name of person signing",
                           "contact name", "contact person", "nombre"),
           ("your name", "signer", "signatory", "signing", "full name", "contact name")),
)  # fmt: skip


def _norm(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(text).replace("'", "")).split())


_NAMES = {g.field: {_norm(n) for n in g.names} for g in _GUESSES}
# A one-word name ("name", "org", "date") anywhere in a question says little; its words
# and its longer names ("org name") do.
_WORDS = {
    g.field: [
        re.compile(rf"\b{re.escape(_norm(w))}s?\b")
        for w in (*g.words, *(n for n in g.names if " " in _norm(n)))
    ]
    for g in _GUESSES
}


def _asks_level(text: str) -> bool:
    """A question naming two of national / statewide / local is the level question."""
    return sum(any(re.search(rf"\b{w}\b", text) for w in group) for group in _LEVEL_WORDS) >= 2


def score(header: str, field: str) -> int:
    """How strongly ``header`` suggests ``field`` (0 to 4, see the module's docstring)."""
    whole = _norm(header)
    core = _norm(_PARENTHESIS.sub(" ", header)) or whole
    if core in _NAMES[field] or (field == "level" and _asks_level(core)):
        return 4
    if any(core.startswith(name + " ") for name in _NAMES[field]):
        return 3
    if any(pattern.search(whole) for pattern in _WORDS[field]):
        return 2
    return 0


def guess_mapping(headers: list[str], fields: list[str]) -> dict[str, str]:
    """Field → header for the ``fields`` the headers suggest, the best pairs first."""
    precedence = {g.field: i for i, g in enumerate(_GUESSES)}
    pairs = [
        (score(header, field), precedence[field], column, field, header)
        for field in fields
        if field in precedence
        for column, header in enumerate(headers)
    ]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for points, _rank, _column, field, header in pairs:
        if points and field not in mapping and header not in used:
            mapping[field] = header
            used.add(header)
    return mapping
