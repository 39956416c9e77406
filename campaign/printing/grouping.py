"""The signatory list as printed: which groups, in which order, and the counts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from campaign.core.names import sort_key
from campaign.core.states import STATES, state_name
from campaign.printing.snapshot import LetterSnapshot, Signatory

LEVEL_HEADINGS = {"national": "National", "state": "State", "local": "Local"}
# After the name of an organization marked as verified (a letter's option), explained by
# ``SignatoryList.verified_note`` under the list.
VERIFIED_MARK = "✓"
# State and local organizations whose state is missing or unknown come last.
NO_STATE_HEADING = "Other"
_LEADING_PUNCT = re.compile(r"^[\W_]+")


@dataclass(frozen=True)
class Entry:
    """One printed line: the name and, optionally, where the organization is."""

    name: str
    place: str = ""


@dataclass(frozen=True)
class Group:
    """A heading ("" for the single alphabetical list) and its entries in order."""

    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class SignatoryList:
    """What goes under the letter: the heading, the groups, and the counts behind them."""

    heading: str  # "Signed by N organizations from M states and territories"
    groups: tuple[Group, ...]
    organizations: int  # N: every counted signatory, listed or not
    states: int  # M: distinct states and territories among them
    unlisted: int  # counted but not printed by name
    verified: int = 0  # listed and marked as verified

    @property
    def verified_note(self) -> str:
        """The legend of the verified mark ("" when no name carries it)."""
        if not self.verified:
            return ""
        return (
            f"{VERIFIED_MARK} The coalition verified that the person who signed speaks for "
            "the organization."
        )

    @property
    def counts_line(self) -> str:
        """The counts without "Signed by": N organizations from M states and territories."""
        return count_phrase(self.organizations, self.states)

    @property
    def unlisted_note(self) -> str:
        """A line saying how many signed without being named ("" when none)."""
        if not self.unlisted:
            return ""
        if self.unlisted == 1:
            return "1 further organization signed and asked not to be listed."
        return f"{self.unlisted:,} further organizations signed and asked not to be listed."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def count_phrase(organizations: int, states: int) -> str:
    """E.g. 12 organizations from 3 states and territories (singular forms where they belong)."""
    orgs = _plural(organizations, "organization", "organizations")
    if not states:
        return orgs
    return f"{orgs} from {_plural(states, 'state or territory', 'states and territories')}"


def signed_by_heading(organizations: int, states: int) -> str:
    """The heading above the list: "Signed by N organizations from M states and territories"."""
    if organizations == 0:
        return "No organizations have signed yet"
    return f"Signed by {count_phrase(organizations, states)}"


def count_states(signatories: Iterable[Signatory]) -> int:
    """M: distinct known states, DC and territories among the signatories (national ones too)."""
    return len({s.state for s in signatories if s.state in STATES})


def _entry(s: Signatory, grouping: str, show_places: bool) -> Entry:
    # the mark is part of the printed name: every renderer (PDF, .docx, the public page)
    # shows it where the name is, and the order is still by the name alone
    name = f"{s.name} {VERIFIED_MARK}" if s.verified else s.name
    if not show_places or s.level == "national":
        return Entry(name)
    if grouping == "state":
        # the state is already the heading
        return Entry(name, s.city)
    code = s.state if s.state in STATES else ""
    return Entry(name, ", ".join(p for p in (s.city, code) if p))


def name_key(name: str) -> str:
    """campaign.core.names.sort_key, also skipping leading quotes and punctuation
    ("“Unidos” Fund" sorts under U)."""
    return sort_key(_LEADING_PUNCT.sub("", name))


def _sorted(signatories: Iterable[Signatory]) -> list[Signatory]:
    # the name itself breaks ties so the order never depends on the caller's order
    return sorted(signatories, key=lambda s: (name_key(s.name), s.name, s.city, s.state))


def group_signatories(
    signatories: Iterable[Signatory], grouping: str = "state", *, show_places: bool = True
) -> tuple[Group, ...]:
    """The listed signatories in printed groups and order.

    "state": National, then state and local organizations under their state's name,
    states A–Z by name, unknown state last; "level": National, State, Local;
    "alpha": one list. Within a group A–Z ignoring a leading "The", case and accents.
    """
    listed = _sorted(s for s in signatories if s.listed)
    buckets: dict[str, list[Signatory]] = {}
    order: list[str]
    if grouping == "alpha":
        buckets[""] = listed
        order = [""] if listed else []
    elif grouping == "level":
        for s in listed:
            buckets.setdefault(LEVEL_HEADINGS[s.level], []).append(s)
        order = [h for h in LEVEL_HEADINGS.values() if h in buckets]
    elif grouping == "state":
        for s in listed:
            if s.level == "national":
                heading = LEVEL_HEADINGS["national"]
            else:
                heading = state_name(s.state) or NO_STATE_HEADING
            buckets.setdefault(heading, []).append(s)
        states = sorted(
            (h for h in buckets if h not in (LEVEL_HEADINGS["national"], NO_STATE_HEADING)),
            key=sort_key,
        )
        order = [LEVEL_HEADINGS["national"], *states, NO_STATE_HEADING]
        order = [h for h in order if h in buckets]
    else:
        raise ValueError(f"Unknown grouping {grouping!r}.")
    return tuple(
        Group(h, tuple(_entry(s, grouping, show_places) for s in buckets[h])) for h in order
    )


def build_list(
    signatories: Iterable[Signatory],
    grouping: str = "state",
    *,
    heading: str = "",
    show_places: bool = True,
) -> SignatoryList:
    """Groups, counts and heading for the signatories the caller counts (confirmed + approved).

    ``heading`` replaces "Signed by …" (an addendum's "Additional signatories since …").
    """
    signatories = tuple(signatories)
    n = len(signatories)
    m = count_states(signatories)
    return SignatoryList(
        heading=heading or signed_by_heading(n, m),
        groups=group_signatories(signatories, grouping, show_places=show_places),
        organizations=n,
        states=m,
        unlisted=sum(1 for s in signatories if not s.listed),
        verified=sum(1 for s in signatories if s.listed and s.verified),
    )


def printed_list(snapshot: LetterSnapshot) -> SignatoryList:
    """The list exactly as the letter prints it (its grouping, places and heading): the
    PDF, the .docx and the public page all take it from here."""
    return build_list(
        snapshot.signatories,
        snapshot.grouping,
        heading=snapshot.list_heading,
        show_places=snapshot.show_places,
    )
