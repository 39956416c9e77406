"""The signatory list as printed: which groups, in which order, and the counts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from campaign.core.names import sort_key
from campaign.core.states import STATES, display_name
from campaign.i18n import gettext as _
from campaign.i18n import lazy_gettext as _l
from campaign.i18n import ngettext
from campaign.printing.snapshot import LetterSnapshot, Signatory

# headings in the language the list is made in (a public page's, a PDF's force_locale)
LEVEL_HEADINGS = {"national": _l("National"), "state": _l("State"), "local": _l("Local")}
# After the name of an organization marked as verified (a letter's option), explained by
# ``SignatoryList.verified_note`` under the list.
VERIFIED_MARK = "✓"
# State and local organizations whose state is missing or unknown come last.
NO_STATE_HEADING = _l("Other")
_NATIONAL, _OTHER = "national", "other"  # bucket keys beside the state codes
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
    # set for a list printed in two languages (campaign.printing.languages); otherwise the
    # lines below are written in the language current when they are read
    fixed_counts: str = ""
    fixed_note: str = ""
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
        return self.fixed_counts or count_phrase(self.organizations, self.states)

    @property
    def unlisted_note(self) -> str:
        """A line saying how many signed without being named ("" when none)."""
        if not self.unlisted:
            return ""
        if self.fixed_note:
            return self.fixed_note
        return ngettext(
            "%(count)s further organization signed and asked not to be listed.",
            "%(count)s further organizations signed and asked not to be listed.",
            self.unlisted,
            count=format(self.unlisted, ","),
        )


def count_phrase(organizations: int, states: int) -> str:
    """E.g. 12 organizations from 3 states and territories (singular forms where they belong)."""
    orgs = ngettext(
        "%(count)s organization",
        "%(count)s organizations",
        organizations,
        count=format(organizations, ","),
    )
    if not states:
        return orgs
    places = ngettext(
        "%(count)s state or territory",
        "%(count)s states and territories",
        states,
        count=format(states, ","),
    )
    return _("%(organizations)s from %(states)s", organizations=orgs, states=places)


def signed_by_heading(organizations: int, states: int) -> str:
    """The heading above the list: "Signed by N organizations from M states and territories"."""
    if organizations == 0:
        return _("No organizations have signed yet")
    return _("Signed by %(counts)s", counts=count_phrase(organizations, states))


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
    # keyed by level or state code; headings (and the states' order) in the current language
    buckets: dict[str, list[Signatory]] = {}
    headings: dict[str, str] = {}
    order: list[str]
    if grouping == "alpha":
        buckets[""] = listed
        headings[""] = ""
        order = [""] if listed else []
    elif grouping == "level":
        for s in listed:
            buckets.setdefault(s.level, []).append(s)
        headings = {level: str(heading) for level, heading in LEVEL_HEADINGS.items()}
        order = [level for level in LEVEL_HEADINGS if level in buckets]
    elif grouping == "state":
        for s in listed:
            if s.level == "national":
                key = _NATIONAL
            else:
                code = (s.state or "").upper()
                key = code if code in STATES else _OTHER
            buckets.setdefault(key, []).append(s)
        headings = {key: display_name(key) for key in buckets if key in STATES}
        headings[_NATIONAL] = str(LEVEL_HEADINGS["national"])
        headings[_OTHER] = str(NO_STATE_HEADING)
        states = sorted(
            (k for k in buckets if k not in (_NATIONAL, _OTHER)),
            key=lambda k: sort_key(headings[k]),
        )
        order = [k for k in (_NATIONAL, *states, _OTHER) if k in buckets]
    else:
        raise ValueError(f"Unknown grouping {grouping!r}.")
    return tuple(
        Group(headings[k], tuple(_entry(s, grouping, show_places) for s in buckets[k]))
        for k in order
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
