"""Reading ICE's published 287(g) workbooks (participating and pending agencies).

Pure: bytes in, rows and warnings out; no database. Every quirk listed in
``campaign/demo_data/ice-287g/README.md`` is handled here (see the tests).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from rapidfuzz import fuzz, process

from campaign.core.errors import DomainError
from campaign.core.names import org_key
from campaign.core.states import STATES, code_for_name

MAX_BYTES = 20 * 1024 * 1024
# What the zip directory may declare once unpacked. ICE's largest release unpacks to
# 1.5 MB; zipfile never inflates a member past its declared size, so checking the
# directory bounds the memory openpyxl can be made to use.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 2_000
HEADER_SEARCH_ROWS = 10

PARTICIPATING = "participating"
PENDING = "pending"

# Column names as ICE writes them (after upper-casing and trimming) → our field.
COLUMNS = {
    "STATE": "state",
    "LAW ENFORCEMENT AGENCY": "agency",
    "TYPE": "type",
    "COUNTY": "county",
    "SUPPORT TYPE": "support_type",
    "SIGNED": "signed",
    "MOA": "moa",
    "ADDENDUM": "addendum",
}
REQUIRED = ("state", "agency")

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


class WorkbookRefused(DomainError):
    """The file is not an ICE list we can read; nothing was stored."""


@dataclass
class RowWarning:
    """A problem in one row (row 0: the file as a whole)."""

    row: int
    message: str
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class AgreementRow:
    """One agreement as a row of the workbook says it, cleaned."""

    row: int
    state: str
    agency: str
    key: str
    model: str  # JEM, TFM, WSO or unknown
    agency_type: str  # county, municipal, state or unknown
    county: str | None
    signed_on: date | None
    agreement_url: str | None
    addendum_url: str | None

    @property
    def identity(self) -> tuple[str, str, str]:
        """What stays the same across releases: state, normalised name, model."""
        return (self.state, self.key, self.model)


@dataclass
class ParsedWorkbook:
    """The rows of one workbook, what kind of list it is and what was wrong in it."""

    list_type: str
    sheet: str
    header_row: int
    columns: list[str]
    rows: list[AgreementRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rows_read: int = 0
    modified_on: date | None = None


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


def check_container(data: bytes) -> None:
    """Refuse what is not a reasonable xlsx before openpyxl touches it."""
    if not data:
        raise WorkbookRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise WorkbookRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data.startswith(b"PK"):
        raise WorkbookRefused("This is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused("The file is damaged: it is not a readable .xlsx workbook.")
    if len(members) > MAX_MEMBERS:
        raise WorkbookRefused("The workbook has too many parts to be an ICE list.")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(
            "The workbook would unpack to more than "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB; refused as unsafe."
        )
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise WorkbookRefused("This is not an Excel workbook (.xlsx).")


def _header_fields(values: tuple[Any, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        name = clean_text(value).upper()
        key = COLUMNS.get(name)
        if key and key not in found:
            found[key] = index
    return found


def _find_table(workbook: Any) -> tuple[Any, int, dict[str, int]]:
    for sheet in workbook.worksheets:
        for row_number, values in enumerate(
            sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1
        ):
            fields = _header_fields(values)
            if all(name in fields for name in REQUIRED):
                return sheet, row_number, fields
    raise WorkbookRefused(
        "No sheet has the columns of an ICE 287(g) list (STATE and LAW ENFORCEMENT AGENCY "
        f"in one of the first {HEADER_SEARCH_ROWS} rows)."
    )


def parse_workbook(data: bytes) -> ParsedWorkbook:
    """Read an ICE participating or pending workbook; raise WorkbookRefused if it is not one."""
    import openpyxl

    check_container(data)
    try:
        # Read-only mode streams the cells; hyperlinks are read from the sheet's XML below
        # (openpyxl's full mode binds them in quadratic time: seconds on ICE's lists).
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused("The workbook is damaged or not an Excel file: it could not be read.")
    try:
        sheet, header_row, fields = _find_table(workbook)
        links = _hyperlinks(data, getattr(sheet, "_worksheet_path", ""))
        modified = workbook.properties.modified
        parsed = ParsedWorkbook(
            # A SIGNED column means participating: ICE once swapped the two files' names.
            list_type=PARTICIPATING if "signed" in fields else PENDING,
            sheet=sheet.title,
            header_row=header_row,
            columns=[name for name, key in COLUMNS.items() if key in fields],
            modified_on=modified.date() if isinstance(modified, datetime) else None,
        )
        sheet.reset_dimensions()  # a wrong <dimension> must not hide rows or columns
        seen: dict[tuple[str, str, str], int] = {}
        rows = sheet.iter_rows(min_row=header_row + 1)
        for number, cells in enumerate(rows, start=header_row + 1):
            row = _read_row(number, cells, fields, links, parsed)
            if row is None:
                continue
            first = seen.get(row.identity)
            if first is not None:
                parsed.warnings.append(
                    RowWarning(
                        row.row, f"Same agency and support type as row {first}; row skipped."
                    )
                )
                continue
            seen[row.identity] = row.row
            parsed.rows.append(row)
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookRefused("The workbook is damaged or not an Excel file: it could not be read.")
    finally:
        workbook.close()
    return parsed


_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _hyperlinks(data: bytes, sheet_path: str) -> dict[tuple[int, int], str]:
    """(row, column index from 0) → hyperlink target, for the external links of one sheet."""
    from defusedxml import ElementTree
    from openpyxl.utils.cell import range_boundaries

    if not sheet_path:
        return {}
    sheet_path = sheet_path.lstrip("/")
    folder, _, name = sheet_path.rpartition("/")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        rels_path = f"{folder}/_rels/{name}.rels"
        if sheet_path not in names or rels_path not in names:
            return {}
        xml = archive.read(sheet_path)
        rels = ElementTree.fromstring(archive.read(rels_path))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels if rel.get("Target")}
    out: dict[tuple[int, int], str] = {}
    for match in _HYPERLINK.finditer(xml):
        attributes = {
            key.split(b":")[-1].decode(): value.decode("utf-8", "replace")
            for key, value in _ATTRIBUTE.findall(match.group(1))
        }
        target = targets.get(attributes.get("id"))
        ref = attributes.get("ref")
        if not target or not ref:
            continue
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        for row in range(min_row, min(max_row, min_row + 10_000) + 1):
            for col in range(min_col, max_col + 1):
                out[(row, col - 1)] = target
    return out


def _cell(cells: tuple[Any, ...], fields: dict[str, int], name: str) -> Any:
    index = fields.get(name)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _value(cell: Any) -> Any:
    if cell is None:
        return None
    # An Excel error (#N/A, #REF!…) is an empty value, whatever column it is in.
    if getattr(cell, "data_type", None) == "e":
        return None
    return cell.value


def _read_row(
    number: int,
    cells: tuple[Any, ...],
    fields: dict[str, int],
    links: dict[tuple[int, int], str],
    parsed: ParsedWorkbook,
) -> AgreementRow | None:
    values = {name: _value(_cell(cells, fields, name)) for name in fields}
    if all(clean_text(v) == "" for v in values.values()):
        return None  # blank or only formatted: skipped wherever it is
    parsed.rows_read += 1
    warn = parsed.warnings

    agency = clean_text(values.get("agency"))
    state_text = clean_text(values.get("state"))
    state = _state_code(state_text, number, warn)
    if not agency:
        warn.append(RowWarning(number, "No agency name; row skipped.", "LAW ENFORCEMENT AGENCY"))
        return None
    if state is None:
        return None

    def link(name: str, column: str) -> str | None:
        if name not in fields:
            return None
        return _link(values.get(name), links.get((number, fields[name])), column, number, warn)

    return AgreementRow(
        row=number,
        state=state,
        agency=agency,
        key=agency_key(agency),
        model=_model(values.get("support_type"), number, warn),
        agency_type=_agency_type(values.get("type"), number, warn),
        county=clean_county(values.get("county")),
        signed_on=(
            _signed_on(values.get("signed"), number, warn)
            if parsed.list_type == PARTICIPATING
            else None
        ),
        agreement_url=link("moa", "MOA"),
        addendum_url=link("addendum", "ADDENDUM"),
    )


def _state_code(text: str, number: int, warn: list[RowWarning]) -> str | None:
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


def _model(value: Any, number: int, warn: list[RowWarning]) -> str:
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


def _agency_type(value: Any, number: int, warn: list[RowWarning]) -> str:
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


def _signed_on(value: Any, number: int, warn: list[RowWarning]) -> date | None:
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


def _link(
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
