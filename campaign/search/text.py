"""Folding text into tokens, the same way for what is indexed and for what is typed.

Both databases are given text already cut into lower-case, accent-free words
separated by single spaces, so that FTS5's ``unicode61`` tokenizer and PostgreSQL's
``simple`` configuration see the same tokens: no engine-specific rule (e-mail
addresses, hyphenated words, apostrophes, locales) can make them disagree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from campaign.core.names import fold

# A word: letters and digits, with apostrophes inside ("o'brien", "sheriff's").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Han, kana and Hangul are written without spaces: each character is a token, and a run
# of them typed in the box is searched as a phrase ("大学" finds "北京大学").
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")
_CJK_CHAR = re.compile(_CJK.pattern[1:-1])
_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]?")
MAX_TOKEN = 60
MAX_TERMS = 8


def _normal(text: str | None) -> str:
    folded = fold(text or "")
    # casefold() can give combining marks back ("İ" → "i̇"); digits of any script as ASCII
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    if not folded.isascii():
        folded = "".join(
            str(unicodedata.decimal(ch, ch)) if ch.isdecimal() else ch for ch in folded
        )
    return _CJK.sub(r" \1 ", folded)


def document(*parts: str | None) -> str:
    """The indexed form of a row's text: its words, folded, one space apart. A word with
    apostrophes is kept whole and in parts ("O'Brien" → "obrien o brien"), so both
    "obrien" and "brien" find it."""
    out: list[str] = []
    for word in _WORD.findall(_normal(" ".join(p or "" for p in parts))):
        if "'" in word:
            out.append(word.replace("'", "")[:MAX_TOKEN])
            out.extend(piece[:MAX_TOKEN] for piece in word.split("'"))
        else:
            out.append(word[:MAX_TOKEN])
    return " ".join(out)


@dataclass(frozen=True)
class Term:
    """Tokens that must follow each other (one token: a word); the last one is a prefix.
    ``alternatives``: near spellings that may stand for a lone token no word starts with."""

    tokens: tuple[str, ...]
    alternatives: tuple[str, ...] = ()
    # False: the last token is a whole word, not a prefix
    prefix: bool = True


@dataclass
class Query:
    """A search box's text as terms, every one of which a row must contain."""

    terms: list[Term] = field(default_factory=list)
    # a word no indexed text holds, nor anything near it: nothing can match
    impossible: bool = False

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def corrected(self) -> dict[str, tuple[str, ...]]:
        """token → the near spellings searched instead (for "showing results for …")."""
        return {t.tokens[0]: t.alternatives for t in self.terms if t.alternatives}


def _tokens(text: str) -> list[str]:
    return [w.replace("'", "")[:MAX_TOKEN] for w in _WORD.findall(_normal(text))]


def _terms_of(text: str, phrase: bool) -> list[Term]:
    tokens = _tokens(text)
    if phrase:
        return [Term(tuple(tokens))] if tokens else []
    terms: list[Term] = []
    run: list[str] = []  # consecutive CJK characters: one phrase
    for token in [*tokens, ""]:
        if token and _CJK_CHAR.fullmatch(token):
            run.append(token)
            continue
        if run:
            terms.append(Term(tuple(run)))
            run = []
        if token:
            terms.append(Term((token,)))
    return terms


def parse(text: str | None) -> Query:
    """The terms of a search box: quoted text is a phrase, other words each a prefix
    ("aclu tex" finds "ACLU of Texas"). Operators and syntax characters of either
    engine (``"`` ``*`` ``:`` ``-`` ``OR`` ``NEAR`` parentheses) are plain text here: the
    engines only ever receive the query built from these tokens."""
    text = (text or "")[:200]
    terms: list[Term] = []
    last = 0
    for m in _QUOTED.finditer(text):
        terms += _terms_of(text[last : m.start()], phrase=False)
        terms += _terms_of(m.group(1), phrase=True)
        last = m.end()
    terms += _terms_of(text[last:], phrase=False)
    # a leading "The" is set aside, as in the A–Z order: "The Alliance" finds "Alliance for…"
    if len(terms) > 1 and terms[0].tokens == ("the",):
        terms = terms[1:]
    unique = list(dict.fromkeys(terms))
    return Query(unique[:MAX_TERMS])
