"""Probable duplicates among organization names: fuzzy tokens and acronyms.

"ACLU of Texas" and "American Civil Liberties Union of Texas" share no key, so the
exact de-duplication misses them; these checks flag them for a coordinator to look at.
Nothing here merges anything.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Iterator

from rapidfuzz import fuzz, process

# Words an acronym usually skips ("ACLU" has no letter for "of").
_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "de", "del", "la", "y"})
THRESHOLD = 90.0


def _expand_acronyms(short: list[str], long: list[str]) -> list[str] | None:
    """``short`` with one token replaced by the run of ``long`` its letters spell, or None."""
    for i, token in enumerate(short):
        if not (2 <= len(token) <= 8 and token.isalpha()):
            continue
        for start in range(len(long)):
            initials, end = "", start
            while end < len(long) and len(initials) < len(token):
                word = long[end]
                if word not in _SKIP or end == start:
                    initials += word[0]
                end += 1
            if initials == token and end - start >= 2:
                return [*short[:i], *long[start:end], *short[i + 1 :]]
    return None


def similarity(a: str, b: str) -> float:
    """0–100: how likely two normalised names (org keys) are the same organization."""
    if not a or not b:
        return 0.0
    score = fuzz.token_set_ratio(a, b)
    # token_set_ratio calls "aclu of texas" a subset of "aclu of texas action fund";
    # require the shorter name to be more than one word before trusting a subset.
    if score < 100 or min(len(a.split()), len(b.split())) > 1:
        best = score
    else:
        best = fuzz.token_sort_ratio(a, b)
    ta, tb = a.split(), b.split()
    for short, long in ((ta, tb), (tb, ta)):
        # Cheap test first: some token of one name must appear in the other's initials.
        initials = "".join(w[0] for w in long if w not in _SKIP)
        if not any(len(t) >= 2 and t in initials for t in short):
            continue
        expanded = _expand_acronyms(short, long)
        if expanded is not None:
            best = max(best, fuzz.token_sort_ratio(" ".join(expanded), " ".join(long)))
    return float(best)


@functools.lru_cache(maxsize=65536)
def _initials(key: str) -> str:
    """The initials an acronym of a name would spell (cached per process)."""
    return "".join(w[0] for w in key.split() if w not in _SKIP)


def _holders(text: str, starts: list[int], needle: str) -> Iterator[int]:
    """The indexes of the parts joined into ``text`` (beginning at ``starts``) where
    ``needle`` is found."""
    pos = text.find(needle)
    while pos != -1:
        yield bisect.bisect_right(starts, pos) - 1
        pos = text.find(needle, pos + 1)


def _joined(parts: list[str], gap: str) -> tuple[str, list[int]]:
    """``parts`` joined by ``gap``, and where each begins in the result."""
    lengths = (len(part) + len(gap) for part in parts[:-1])
    return gap.join(parts), list(itertools.accumulate(lengths, initial=0))


def _acronym_suspects(key: str, keys: list[str]) -> set[int]:
    """The indexes of ``keys`` that pass the test ``similarity`` applies before expanding
    acronyms: a word (2+ characters) of one name lies within the other's initials.

    Each test is a few substring searches over all the names joined, in C, instead of
    a Python loop over the candidates.
    """
    found: set[int] = set()
    words = {word for word in key.split() if len(word) >= 2}
    if words:  # a word of ``key`` within a candidate's initials
        text, starts = _joined([_initials(k) for k in keys], "\n")
        for word in words:
            found.update(_holders(text, starts, word))
    mine = _initials(key)
    runs = {mine[i:j] for i in range(len(mine)) for j in range(i + 2, len(mine) + 1)}
    if runs:  # a word of a candidate equal to a run of ``key``'s initials
        # Keys (org_key) separate words by one space; two between keys, and one
        # before the first, make " run " match a whole word of exactly one key, found
        # at the position of that word in the text without the leading space.
        text, starts = _joined(keys, "  ")
        text = f" {text} "
        for run in runs:
            found.update(_holders(text, starts, f" {run} "))
    return found


def probable_duplicate(key: str, candidates: Iterable[tuple[int, str]]) -> int | None:
    """The id of the candidate most similar to ``key`` above the threshold, or None.

    A letter can hold thousands of sign-ons in a state: rapidfuzz scores them all in C,
    and only those that pass (or could match as an acronym) get the full ``similarity``.
    Same answer as scoring every candidate with ``similarity``.
    """
    rows = [(cand_id, cand_key) for cand_id, cand_key in candidates if cand_key != key]
    if not key or not rows:
        return None
    keys = [cand_key for _, cand_key in rows]
    close = {
        index
        for _, _, index in process.extract(
            key, keys, scorer=fuzz.token_set_ratio, score_cutoff=THRESHOLD, limit=None
        )
    }
    best_id, best_score = None, THRESHOLD
    for index in sorted(close | _acronym_suspects(key, keys)):
        cand_id, cand_key = rows[index]
        score = similarity(key, cand_key)
        if score >= best_score and (best_id is None or score > best_score):
            best_id, best_score = cand_id, score
    return best_id
