"""Reading the values of ICE's cells: text, states, models, types, counties, dates, links.

Each reader takes the cell's value, the row number and the list of warnings it adds to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from rapidfuzz import fuzz, process

from campaign.core.names import org_key
from campaign.core.states import STATES, code_for_name

MODELS = {
    "JEM": "Jail Enforcement Model",
    "TFM": "Task Force Model",
    "WSO": "Warrant Service Officer",
}
# Spellings seen in ICE's releases, read without a warning (letters only, upper-case).
_MODEL_VARIANTS = {
    "JAILENFORCEMENTMODEL": "JEM",
    "JAILENFORCMENTMODEL": "JEM",
    "JAILENFORCEMENT": "JEM",
    "JEM": "JEM",
    "TASKFORCEMODEL": "TFM",
    "TASKFORCE": "TFM",
    "TASKFORCEOFFICER": "TFM",
    "TFM": "TFM",
    "WARRANTSERVICEOFFICER": "WSO",
    "WARRANTSERVICESOFFICER": "WSO",
    "WARRANTSERVICEOFFICERS": "WSO",
    "WARRANTSERVICE": "WSO",
    "WSO": "WSO",
}
_TYPE_NAMES = {"COUNTY": "county", "MUNICIPALITY": "municipal", "STATE AGENCY": "state"}
_NOT_APPLICABLE = {"", "#N/A", "#NA", "N/A", "NA", "N.A.", "NONE", "-", "#REF!", "#VALUE!"}
_STATE_NAMES = {name.upper(): code for code, name in STATES.items()}

_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[^A-Z]")
_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COUNTY_TYPOS = re.compile(r"\b(conty|countey|couny|coutny|cnty|countyy)\b", re.I)
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")
# Plausible SIGNED years: the program began in 1996; later than next year is a typo (5025).
_FIRST_YEAR = 1996


@dataclass
class RowWarning:
    """A problem in one row (row 0: the file as a whole)."""

    row: int
    message: str
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def clean_text(value: Any) -> str:
    """Text with NBSP, curly apostrophes, newlines and double spaces tidied."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip()


_ABBREVIATIONS = {
    "dept": "department",
    "twp": "township",
    "ofc": "office",
    "pd": "police department",
}


def agency_key(name: str) -> str:
    """The normalised agency name used to recognise an agency across releases.

    "Oklahoma Dept. of Public Safety" and "Oklahoma Department of Public Safety" agree.
    """
    words = org_key(clean_text(name)).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def read_state(text: str, number: int, warn: list[RowWarning]) -> str | None:
    if not text:
        warn.append(RowWarning(number, "No state; row skipped.", "STATE"))
        return None
    code = code_for_name(text)
    if code:
        return code
    match = process.extractOne(text.upper(), list(_STATE_NAMES), scorer=fuzz.ratio, score_cutoff=80)
    if match is None:
        warn.append(RowWarning(number, f"Unknown state “{text}”; row skipped.", "STATE"))
        return None
    code = _STATE_NAMES[match[0]]
    warn.append(RowWarning(number, f"State “{text}” read as {STATES[code]}.", "STATE"))
    return code


def model_for(text: Any) -> str | None:
    """JEM, TFM or WSO for a SUPPORT TYPE as ICE spells it (None when not recognised)."""
    letters = _LETTERS.sub("", clean_text(text).upper())
    return _MODEL_VARIANTS.get(letters)


def read_model(value: Any, number: int, warn: list[RowWarning]) -> str:
    text = clean_text(value)
    if not text:
        warn.append(RowWarning(number, "No support type; model unknown.", "SUPPORT TYPE"))
        return "unknown"
    model = model_for(text)
    if model:
        return model
    letters = _LETTERS.sub("", text.upper())
    choices = {code: _LETTERS.sub("", name.upper()) for code, name in MODELS.items()}
    match = process.extractOne(letters, choices, scorer=fuzz.ratio, score_cutoff=80)
    if match is not None:
        model = match[2]
        warn.append(
            RowWarning(number, f"Support type “{text}” read as {MODELS[model]}.", "SUPPORT TYPE")
        )
        return model
    warn.append(
        RowWarning(number, f"Unknown support type “{text}”; model unknown.", "SUPPORT TYPE")
    )
    return "unknown"


def read_agency_type(value: Any, number: int, warn: list[RowWarning]) -> str:
    text = clean_text(value).upper()
    if text in _NOT_APPLICABLE:
        return "unknown"
    if text.startswith("COUNT"):
        return "county"
    if text.startswith(("MUNIC", "MUNCIP", "CITY", "TOWN")):
        return "municipal"
    if text.startswith("STATE"):
        return "state"
    match = process.extractOne(text, list(_TYPE_NAMES), scorer=fuzz.ratio, score_cutoff=75)
    if match is not None:
        return _TYPE_NAMES[match[0]]
    warn.append(RowWarning(number, f"Unknown agency type “{clean_text(value)}”.", "TYPE"))
    return "unknown"


def clean_county(value: Any) -> str | None:
    """A county name, or None for #N/A and the like; "Lake Conty" becomes "Lake County"."""
    text = clean_text(value)
    if text.upper() in _NOT_APPLICABLE or text.startswith("#"):
        return None
    return _COUNTY_TYPOS.sub("County", text)[:120]


def read_signed_on(value: Any, number: int, warn: list[RowWarning]) -> date | None:
    def bad(message: str) -> None:
        warn.append(RowWarning(number, message + " Signed date left empty.", "SIGNED"))

    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            value = from_excel(value)
        except (ValueError, OverflowError):
            bad(f"SIGNED “{value}” is not a date.")
            return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not _FIRST_YEAR <= value.year <= date.today().year + 1:
            bad(f"SIGNED {value.isoformat()} has an impossible year.")
            return None
        return value
    text = clean_text(value)
    if not text:
        bad("SIGNED is empty.")
        return None
    parsed = _parse_date_text(text)
    if parsed is None:
        bad(f"SIGNED “{text}” is not a date (M/D/YYYY expected).")
        return None
    if not _FIRST_YEAR <= parsed.year <= date.today().year + 1:
        bad(f"SIGNED “{text}” has an impossible year.")
        return None
    return parsed


def _parse_date_text(text: str) -> date | None:
    for pattern, order in ((_MDY, (2, 0, 1)), (_ISO, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def unwrap_url(url: str | None) -> str | None:
    """The real address behind a hyperlink: SafeLinks and PDF-viewer wrappers removed."""
    url = (url or "").strip().replace("\u00a0", "")
    for _ in range(3):  # wrappers can be nested
        parts = urlsplit(url)
        if parts.netloc.lower().endswith("safelinks.protection.outlook.com"):
            inner = parse_qs(parts.query).get("url")
            if not inner:
                return None
            url = inner[0].strip()
            continue
        if parts.scheme == "chrome-extension":
            # Acrobat's browser extension: chrome-extension://<id>/https://…
            url = unquote(parts.path.lstrip("/"))
            continue
        break
    url = re.sub(r"^(https?):/(?!/)", r"\1://", url, flags=re.I)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if parts.netloc.lower() in ("www.ice.gov", "ice.gov"):
        # ice.gov only serves HTTPS; one link per document, whatever ICE typed
        url = "https" + url[len(parts.scheme) :]
    return url[:1000]


def read_link(
    value: Any, target: str | None, column: str, number: int, warn: list[RowWarning]
) -> str | None:
    text = clean_text(value)
    if target:
        url = unwrap_url(target)
        if url is None:
            warn.append(
                RowWarning(
                    number, f"{column} hyperlink “{target[:200]}” is not a web address.", column
                )
            )
        return url
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        warn.append(
            RowWarning(
                number, f"{column} shows an address as text but has no hyperlink; ignored.", column
            )
        )
    elif "link" in lowered and "pending" not in lowered:
        warn.append(RowWarning(number, f"{column} says “{text}” but has no hyperlink.", column))
    return None


def date_from_file_name(name: str) -> date | None:
    """A date in a file name: 2026-05-18 or ICE's 05182026."""
    match = _FILE_DATE.search(name or "")
    if not match:
        return None
    try:
        if match.group(1):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return date(int(match.group(6)), int(match.group(4)), int(match.group(5)))
    except ValueError:
        return None
