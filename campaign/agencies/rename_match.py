"""Is a new agency name an old one renamed? Pure functions on two names of one state.

ICE never announces a rename: between two releases one name vanishes and another
appears. Three shapes are read as a possible rename (measured on every workbook in
``campaign/demo_data/ice-287g/``; the proposals are listed in
``tests/agencies/fixtures/rename_proposals.txt``):

- the distinctive words agree (``Lampass`` → ``Lampasas``), the generic words
  (police, department, sheriff's office…) being ignored even when misspelled
  (``Departent``, ``Offic``);
- a qualifier was added or dropped after a comma, slash, dash or parenthesis
  (``…Board of County Commissioners`` → ``…Board of County Commissioners/Detention Facility``);
- the state's name was added or dropped (``Department of Corrections`` →
  ``Alaska Department of Corrections``).

Two different agencies of one place are never proposed: a county's agency and a
city's (``Alachua County Sheriff's Office`` / ``Alachua Police Department``), or two
kinds of agency (sheriff, police, jail, county government…).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from campaign.agencies.ice_workbook import agency_key
from campaign.core.states import state_name

# Words many agency names share; a rename is judged on what is left.
GENERIC = frozenset(
    {
        "the", "of", "and", "at", "city", "town", "village", "township", "borough", "county",
        "sheriffs", "sheriff", "office", "police", "department", "services", "service",
        "board", "commissioners", "division",
    }
)  # fmt: skip
# Words that say what kind of agency it is: two names of different kinds are two agencies.
KINDS = {
    "sheriff": "sheriff",
    "sheriffs": "sheriff",
    "police": "police",
    "jail": "corrections",
    "detention": "corrections",
    "corrections": "corrections",
    "correctional": "corrections",
    "commissioners": "county government",
    "commission": "county government",
    "constable": "constable",
    "constables": "constable",
    "marshal": "marshal",
    "marshals": "marshal",
    "attorney": "attorney",
}
# Words that tell two places apart: "North Miami" is not "Miami", "West Palm Beach" not
# "Palm Beach", the University of North Florida not the University of Florida.
PLACE_MODIFIERS = {
    **{w: w for w in (
        "north", "south", "east", "west", "northern", "southern", "eastern", "western",
        "central", "upper", "lower", "new", "old", "mount", "lake", "port", "fort", "saint",
        "greater", "little", "big",
    )},
    "ft": "fort", "st": "saint", "mt": "mount", "n": "north", "s": "south", "e": "east",
    "w": "west",
}  # fmt: skip
MIN_SCORE = 85.0
# a misspelt generic word ("departent", "offic") is still generic
_TYPO_SCORE = 85.0
_QUALIFIER = re.compile(r"\s*(?:,|/|\(|\s-\s|\s–\s)")


def _canonical(word: str) -> str:
    if word in GENERIC or len(word) < 5:
        return word
    best = max(GENERIC, key=lambda g: fuzz.ratio(word, g))
    return best if fuzz.ratio(word, best) >= _TYPO_SCORE else word


def _words(name: str) -> list[str]:
    return [_canonical(w) for w in agency_key(name).split()]


def _kinds(words: list[str]) -> set[str]:
    return {KINDS[w] for w in words if w in KINDS}


def _places(words: list[str]) -> list[str]:
    return [PLACE_MODIFIERS[w] for w in words if w in PLACE_MODIFIERS]


def _base(name: str) -> str:
    """The name before a qualifier: "Gulf County BOCC /Detention Facility" → "Gulf County BOCC"."""
    return _QUALIFIER.split(name, maxsplit=1)[0]


def _without_state(words: list[str], state: str) -> list[str]:
    prefix = agency_key(state_name(state) or "").split()
    if prefix and words[: len(prefix)] == prefix and len(words) > len(prefix):
        return words[len(prefix) :]
    if words[:1] == ["state"] and words[1 : 1 + len(prefix)] == prefix:
        return words[1 + len(prefix) :]
    return words


def rename_score(old_name: str, new_name: str, state: str = "") -> float:
    """How likely ``new_name`` is ``old_name`` renamed (0–100); below ``MIN_SCORE``: no."""
    old, new = _words(old_name), _words(new_name)
    if not old or not new:
        return 0.0
    if old == new:
        return 100.0
    # a qualifier added or dropped
    old_base, new_base = _words(_base(old_name)), _words(_base(new_name))
    if old_base == new or new_base == old:
        return 95.0
    # the state's name added or dropped
    if state and _without_state(old, state) == _without_state(new, state):
        return 95.0
    if _kinds(old) and _kinds(new) and not _kinds(old) & _kinds(new):
        return 0.0
    if ("county" in old) != ("county" in new):
        return 0.0
    if sorted(_places(old)) != sorted(_places(new)):
        return 0.0
    old_d = " ".join(w for w in old if w not in GENERIC)
    new_d = " ".join(w for w in new if w not in GENERIC)
    if not old_d or not new_d:
        # only generic words ("County Sheriff's Office"): nothing distinctive to compare
        return 0.0
    return float(fuzz.ratio(old_d, new_d))
