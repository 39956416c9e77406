"""Reading the values people type into spreadsheets: levels, states, yes/no, timestamps."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from campaign.core.names import fold
from campaign.core.states import code_for_name
from campaign.signons.models import Level

_YES = ("yes", "y", "si", "true", "1", "x", "list", "ok", "sure", "oui", "publicly")
_NO = ("no", "n", "false", "0", "don't", "dont", "do not", "count", "not", "anonymous")
# the first word ends at a space, punctuation or a dash ("No–please count us")
_FIRST_WORD = re.compile(r"[\s,;:(/\-\u2013\u2014]+")
_GMT = re.compile(r"\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d\d))?\s*$", re.I)
_TIME_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y",
    "%Y-%m-%d",
)


def parse_level(raw: str) -> Level | None:
    """National, state or local from the words people use ("Statewide", "City"…)."""
    text = fold(raw)
    if not text:
        return None
    if any(w in text for w in ("national", "nationwide", "federal", "international")):
        return Level.NATIONAL
    if any(w in text for w in ("local", "city", "county", "municipal", "community", "town")):
        return Level.LOCAL
    if any(w in text for w in ("state", "regional", "estatal")):
        return Level.STATE
    raise ValueError(f"“{raw}” is not a level: use national, state or local.")


def parse_state(raw: str) -> str:
    """A two-letter code from a code or a name ("tx", "Texas", "Texas (TX)")."""
    text = raw.strip().strip(".")
    if not text:
        return ""
    code = code_for_name(text) or code_for_name(fold(text))
    if code is None and (m := re.search(r"\(([A-Za-z]{2})\)", text)):
        code = code_for_name(m.group(1))
    if code is None:
        raise ValueError(f"“{raw}” is not a US state or territory.")
    return code


def parse_yes_no(raw: str) -> bool | None:
    """Yes/no answers as people type them ("Yes", "No – please count us", "Sí, list us",
    "Don't list"); None for no answer at all, which the caller decides about."""
    text = fold(raw).strip(" .!")
    if not text:
        return None
    first = _FIRST_WORD.split(text)[0]
    if text.startswith(("do not", "don't", "dont")) or first in _NO:
        return False
    if first in _YES or text.startswith(_YES):
        return True
    raise ValueError(f"“{raw}” is not a yes or no.")


def parse_listed(raw: str) -> bool | None:
    """Answers to "Can we list your organization's name?": yes, no (count only), or
    None when left blank (the import then applies the letter's default, never a silent
    count-only)."""
    return parse_yes_no(raw)


def parse_timestamp(raw: str, tz: str) -> datetime | None:
    """A Google Forms or spreadsheet timestamp; without an offset it is in ``tz``."""
    text = raw.strip()
    if not text:
        return None
    zone = ZoneInfo(tz)
    offset = None
    if m := _GMT.search(text):
        sign = -1 if m.group(1) == "-" else 1
        offset = sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        text = text[: m.start()]
    for fmt in _TIME_FORMATS:
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if offset is not None:
            return naive.replace(tzinfo=timezone(offset))
        return naive.replace(tzinfo=zone)
    raise ValueError(f"“{raw}” is not a date and time this import can read.")
