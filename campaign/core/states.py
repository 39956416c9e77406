"""US states, DC and territories: two-letter codes and names."""

from __future__ import annotations


def N_(name: str) -> str:
    """Marks a name for `make translations`; translated where it is shown (display_name)."""
    return name


STATES: dict[str, str] = {
    "AL": N_("Alabama"), "AK": N_("Alaska"), "AZ": N_("Arizona"), "AR": N_("Arkansas"),
    "CA": N_("California"), "CO": N_("Colorado"), "CT": N_("Connecticut"), "DE": N_("Delaware"),
    "DC": N_("District of Columbia"), "FL": N_("Florida"), "GA": N_("Georgia"),
    "HI": N_("Hawaii"), "ID": N_("Idaho"), "IL": N_("Illinois"), "IN": N_("Indiana"),
    "IA": N_("Iowa"), "KS": N_("Kansas"), "KY": N_("Kentucky"), "LA": N_("Louisiana"),
    "ME": N_("Maine"), "MD": N_("Maryland"), "MA": N_("Massachusetts"), "MI": N_("Michigan"),
    "MN": N_("Minnesota"), "MS": N_("Mississippi"), "MO": N_("Missouri"), "MT": N_("Montana"),
    "NE": N_("Nebraska"), "NV": N_("Nevada"), "NH": N_("New Hampshire"), "NJ": N_("New Jersey"),
    "NM": N_("New Mexico"), "NY": N_("New York"), "NC": N_("North Carolina"),
    "ND": N_("North Dakota"), "OH": N_("Ohio"), "OK": N_("Oklahoma"), "OR": N_("Oregon"),
    "PA": N_("Pennsylvania"), "RI": N_("Rhode Island"), "SC": N_("South Carolina"),
    "SD": N_("South Dakota"), "TN": N_("Tennessee"), "TX": N_("Texas"), "UT": N_("Utah"),
    "VT": N_("Vermont"), "VA": N_("Virginia"), "WA": N_("Washington"),
    "WV": N_("West Virginia"), "WI": N_("Wisconsin"), "WY": N_("Wyoming"),
    # territories
    "AS": N_("American Samoa"), "GU": N_("Guam"), "MP": N_("Northern Mariana Islands"),
    "PR": N_("Puerto Rico"), "VI": N_("U.S. Virgin Islands"),
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


def display_name(code: str | None) -> str:
    """The name in the current language ("Nuevo México" in Spanish; "" when unknown)."""
    from campaign.i18n import gettext

    name = state_name(code)
    return gettext(name) if name else ""


def state_choices() -> list[tuple[str, str]]:
    """Choices for a <select>, named and sorted in the current language."""
    named = [(code, display_name(code)) for code in STATES]
    from campaign.core.names import fold

    return sorted(named, key=lambda item: fold(item[1]))
