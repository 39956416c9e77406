"""The plain, frozen description of a letter that the PDF and DOCX renderers take.

No ORM objects: the caller copies what it needs into these dataclasses, so a
snapshot can be stored as JSON when a letter is sent and rendered again, to the
same bytes, years later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

LEVELS = ("national", "state", "local")
GROUPINGS = ("state", "level", "alpha")
COLUMNS = (2, 3)
# Bumped when the JSON shape changes, so an old frozen snapshot can still be read.
SCHEMA = 1


@dataclass(frozen=True)
class Signatory:
    """One organization that signed: as it is printed, and how it is counted."""

    name: str
    level: str = "local"  # "national" | "state" | "local"
    state: str = ""  # two-letter code (campaign.core.states) or ""
    city: str = ""
    listed: bool = True  # False: "count but do not list"
    logo_sha256: str | None = None  # a PNG/JPEG in the upload store
    # marked as verified (issue 20.1): set only for a letter that marks verified
    # organizations, so that nothing of verification is printed otherwise
    verified: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("A signatory needs a name.")
        if self.level not in LEVELS:
            raise ValueError(f"Unknown level {self.level!r}.")
        object.__setattr__(self, "state", (self.state or "").strip().upper())
        object.__setattr__(self, "city", (self.city or "").strip())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "level": self.level,
            "state": self.state,
            "city": self.city,
            "listed": self.listed,
            "logo_sha256": self.logo_sha256,
            # only when set: earlier frozen snapshots keep their fingerprint
            **({"verified": True} if self.verified else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Signatory:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            name=data["name"],
            level=data.get("level", "local"),
            state=data.get("state", ""),
            city=data.get("city", ""),
            listed=bool(data.get("listed", True)),
            logo_sha256=data.get("logo_sha256"),
            verified=bool(data.get("verified", False)),
        )


@dataclass(frozen=True)
class Withdrawal:
    """An organization delivered earlier that has since asked to be taken off the letter
    (an addendum reports it; a count-only one is reported by number, never by name)."""

    signatory: Signatory
    withdrawn_on: date

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {**self.signatory.to_dict(), "withdrawn_on": self.withdrawn_on.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Withdrawal:
        """Rebuild from :meth:`to_dict` output."""
        return cls(Signatory.from_dict(data), date.fromisoformat(data["withdrawn_on"]))


@dataclass(frozen=True)
class SecondText:
    """The letter's Spanish text, printed after the English one when both are chosen."""

    title: str
    addressees: str
    body_markdown: str
    closing: str
    sender: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "title": self.title,
            "addressees": self.addressees,
            "body_markdown": self.body_markdown,
            "closing": self.closing,
            "sender": self.sender,
        }


PRINT_LANGUAGES = ("en", "es", "both")


@dataclass(frozen=True)
class LetterSnapshot:
    """Everything printed in a delivered letter (or an addendum of late signatories)."""

    title: str
    sender: str  # the coalition or sender name in the letterhead
    date: date
    addressees: str  # plain text, one line per line
    body_markdown: str
    closing: str  # plain text, e.g. "Sincerely,"; line breaks kept
    signatories: tuple[Signatory, ...] = ()
    logo_sha256: str | None = None  # letterhead logo in the upload store
    grouping: str = "state"  # "state" | "level" | "alpha"
    columns: int = 3  # 2 | 3
    include_logo_page: bool = False
    # Replaces "Signed by …" above the list, e.g. "Additional signatories since May 18, 2026";
    # the counts are then printed on the line below it.
    list_heading: str = ""
    # An addendum: letterhead, title, date and the list, without addressees, body or closing.
    list_only: bool = False
    # Print the city (and state, when not grouped by state) after local and state names.
    show_places: bool = True
    # An addendum's own section: organizations delivered earlier that withdrew since,
    # under e.g. "Withdrawn since May 18, 2026".
    withdrawals: tuple[Withdrawal, ...] = ()
    withdrawals_heading: str = ""
    # The coalition at the top of the page (empty: the sender, as before it existed) and
    # its contact address under it; ``logo_sha256`` is then its logo unless the print
    # options chose another.
    letterhead: str = ""
    contact: str = ""
    # The language of the words the app prints (dates, "Page 1 of 2", the list's headings
    # and counts): "en", "es", or "both", the text above in English followed by
    # ``second_text`` in Spanish, then one list with both languages' headings.
    language: str = "en"
    second_text: SecondText | None = None

    @property
    def letterhead_name(self) -> str:
        """The name printed at the top of the letter."""
        return self.letterhead or self.sender

    def __post_init__(self) -> None:
        if self.language not in PRINT_LANGUAGES:
            raise ValueError(f"Unknown language {self.language!r}.")
        if self.grouping not in GROUPINGS:
            raise ValueError(f"Unknown grouping {self.grouping!r}.")
        if self.columns not in COLUMNS:
            raise ValueError("The list has 2 or 3 columns.")
        if not isinstance(self.date, date):
            raise ValueError("date must be a datetime.date.")
        if isinstance(self.date, datetime):  # a date is printed; keep the JSON a plain date
            object.__setattr__(self, "date", self.date.date())
        object.__setattr__(self, "signatories", tuple(self.signatories))
        object.__setattr__(self, "withdrawals", tuple(self.withdrawals))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` rebuilds an equal snapshot."""
        return {
            "schema": SCHEMA,
            "title": self.title,
            "sender": self.sender,
            "date": self.date.isoformat(),
            "addressees": self.addressees,
            "body_markdown": self.body_markdown,
            "closing": self.closing,
            "signatories": [s.to_dict() for s in self.signatories],
            "logo_sha256": self.logo_sha256,
            "grouping": self.grouping,
            "columns": self.columns,
            "include_logo_page": self.include_logo_page,
            "list_heading": self.list_heading,
            "list_only": self.list_only,
            "show_places": self.show_places,
            # only when there are some: the JSON (and so the cache key) of every snapshot
            # without withdrawals stays as it was before they existed
            **(
                {
                    "withdrawals": [w.to_dict() for w in self.withdrawals],
                    "withdrawals_heading": self.withdrawals_heading,
                }
                if self.withdrawals
                else {}
            ),
            # likewise only when set: older frozen snapshots keep their fingerprint
            **({"letterhead": self.letterhead} if self.letterhead else {}),
            **({"contact": self.contact} if self.contact else {}),
            **({"language": self.language} if self.language != "en" else {}),
            **({"second_text": self.second_text.to_dict()} if self.second_text else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LetterSnapshot:
        """Rebuild a snapshot from :meth:`to_dict` output (e.g. frozen JSON)."""
        if data.get("schema", SCHEMA) != SCHEMA:
            raise ValueError(f"Unknown snapshot schema {data.get('schema')!r}.")
        return cls(
            title=data["title"],
            sender=data["sender"],
            date=date.fromisoformat(data["date"]),
            addressees=data.get("addressees", ""),
            body_markdown=data.get("body_markdown", ""),
            closing=data.get("closing", ""),
            signatories=tuple(Signatory.from_dict(s) for s in data.get("signatories", ())),
            logo_sha256=data.get("logo_sha256"),
            grouping=data.get("grouping", "state"),
            columns=int(data.get("columns", 3)),
            include_logo_page=bool(data.get("include_logo_page", False)),
            list_heading=data.get("list_heading", ""),
            list_only=bool(data.get("list_only", False)),
            show_places=bool(data.get("show_places", True)),
            withdrawals=tuple(Withdrawal.from_dict(w) for w in data.get("withdrawals", ())),
            withdrawals_heading=data.get("withdrawals_heading", ""),
            letterhead=data.get("letterhead", ""),
            contact=data.get("contact", ""),
            language=data.get("language", "en"),
            second_text=SecondText(**data["second_text"]) if data.get("second_text") else None,
        )

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no spaces, UTF-8 text (the form to freeze and hash)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> LetterSnapshot:
        """Rebuild a snapshot from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))


def snapshot_fingerprint(snapshot: LetterSnapshot) -> str:
    """sha256 of the canonical JSON: equal snapshots, equal fingerprints (a cache key)."""
    return hashlib.sha256(snapshot.to_json().encode("utf-8")).hexdigest()
