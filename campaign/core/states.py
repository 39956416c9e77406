"""US states, DC and territories: two-letter codes and names."""

from __future__ import annotations

STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
    # territories
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
}  # fmt: skip

TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI"})

# Choices for a <select>, alphabetical by name.
STATE_CHOICES: list[tuple[str, str]] = sorted(STATES.items(), key=lambda item: item[1])

_BY_NAME = {name.upper(): code for code, name in STATES.items()}
_BY_NAME.update(
    {
        "VIRGIN ISLANDS": "VI",
        "US VIRGIN ISLANDS": "VI",
        "WASHINGTON DC": "DC",
        "WASHINGTON, D.C.": "DC",
        "D.C.": "DC",
    }
)


def state_name(code: str | None) -> str:
    """The name for a two-letter code ("" when unknown)."""
    return STATES.get((code or "").upper(), "")


def code_for_name(name: str | None) -> str | None:
    """The code for an exactly spelled state name or code (any case), else None."""
    if not name:
        return None
    text = " ".join(name.split()).upper()
    if text in STATES:
        return text
    return _BY_NAME.get(text)
