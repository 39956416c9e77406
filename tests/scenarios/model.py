"""What the coordinator expects, kept by hand beside the app: every organization of the
scenario with its status, listing and place, and the counts and printed list that follow.

Written independently of the app's own counting and grouping code, so that a scenario
step checks the app against what a coordinator would work out on paper.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from campaign.core.states import STATES

CODE = {name: code for code, name in STATES.items()}
LEVELS = {"National": "national", "Statewide": "state", "State": "state", "Local": "local"}


@dataclass
class Org:
    """One organization on the letter, as the coordinator keeps track of it."""

    name: str
    level: str  # national / state / local
    state: str = ""  # the state's name ("" for national ones)
    city: str = ""
    listed: bool = True
    status: str = "confirmed"  # pending / confirmed / approved / rejected / merged / withdrawn
    agreed: bool = True  # agreed to the current text (re-confirmed after a material edit)
    email: str = ""
    delivered: int | None = None  # the delivery (0 = the letter, 1… = addenda) that held it

    @property
    def counted(self) -> bool:
        return self.status in ("confirmed", "approved")

    @property
    def printed(self) -> bool:
        return self.status == "approved" and self.agreed


def sort_key(name: str) -> str:
    """A–Z as a reader expects: case, accents and a leading "The" ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()
    return re.sub(r"^the\s+", "", text)


@dataclass
class Model:
    """Every organization of the scenario by name."""

    orgs: dict[str, Org] = field(default_factory=dict)

    def add(self, org: Org) -> Org:
        assert org.name not in self.orgs, org.name
        self.orgs[org.name] = org
        return org

    def __getitem__(self, name: str) -> Org:
        return self.orgs[name]

    def rename(self, old: str, new: str) -> None:
        """A coordinator corrected the name (the directory's entry follows)."""
        org = self.orgs.pop(old)
        org.name = new
        self.orgs[new] = org

    def with_status(self, status: str) -> list[Org]:
        return [o for o in self.orgs.values() if o.status == status]

    @property
    def on_letter(self) -> int:
        """ "Organizations on the letter": approved, agreed to the current text."""
        return sum(o.printed for o in self.orgs.values())

    @property
    def left_out(self) -> list[Org]:
        """Counted, but on an older text and not re-confirmed."""
        return [o for o in self.orgs.values() if o.counted and not o.agreed]

    def by_status(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.orgs.values():
            out[o.status] = out.get(o.status, 0) + 1
        return out

    def counted_by_level(self) -> dict[str, int]:
        out = {"national": 0, "state": 0, "local": 0}
        for o in self.orgs.values():
            if o.counted:
                out[o.level] += 1
        return out

    def states_of(self, orgs: list[Org]) -> int:
        return len({o.state for o in orgs if o.state})

    def groups(self, orgs: list[Org]) -> list[tuple[str, list[str]]]:
        """The printed groups of these organizations' listed ones: National first, then
        each state by name, A–Z within."""
        buckets: dict[str, list[Org]] = {}
        for o in orgs:
            if o.listed:
                buckets.setdefault("National" if o.level == "national" else o.state, []).append(o)
        order = sorted((h for h in buckets if h != "National"), key=sort_key)
        if "National" in buckets:
            order.insert(0, "National")
        return [
            (h, [o.name for o in sorted(buckets[h], key=lambda o: (sort_key(o.name), o.name))])
            for h in order
        ]


def from_google_forms(path: Path, model: Model) -> list[str]:
    """The organizations a Google Forms export adds, read as a coordinator reads the file:
    a name submitted again (or with ", Inc." added) is the same organization, its later
    answer kept (the name as written then, the listing); a blank listing answer means
    listed. Returns the names."""
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    already = {sort_key(o.name) for o in model.orgs.values()}
    seen: dict[str, Org] = {}
    for row in rows:
        name = row["Organization name"].strip()
        key = sort_key(re.sub(r",?\s+inc\.?$", "", name, flags=re.I))
        listing = row["Can we list your organization's name?"].strip()
        listed = not listing.startswith("No")
        if key in already:
            continue
        if key in seen:
            seen[key].name, seen[key].listed = name, listed
            continue
        level = LEVELS[row["Is your organization national, statewide, or local?"]]
        state = row["State (if statewide or local)"].strip() if level != "national" else ""
        state = STATES.get(state, state)  # "IA" or "Iowa"
        seen[key] = Org(name, level, state, row["City"].strip(), listed,
                        email=row["Email Address"].strip())  # fmt: skip
    for org in seen.values():
        model.add(org)
    return [o.name for o in seen.values()]
