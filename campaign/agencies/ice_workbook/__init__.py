"""Reading ICE's published 287(g) workbooks (participating and pending agencies).

Pure: bytes in, rows and warnings out; no database. Every quirk listed in
``campaign/demo_data/ice-287g/README.md`` is handled here or in ``values`` (see the tests).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from campaign.agencies.ice_workbook.container import (
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    WorkbookRefused,
    check_container,
    sheet_hyperlinks,
    too_many_rows,
)
from campaign.agencies.ice_workbook.values import (
    MODELS,
    RowWarning,
    agency_key,
    clean_county,
    clean_text,
    date_from_file_name,
    model_for,
    read_agency_type,
    read_link,
    read_model,
    read_signed_on,
    read_state,
    unwrap_url,
)

__all__ = [
    "MAX_BYTES",
    "MAX_UNPACKED_BYTES",
    "MODELS",
    "AgreementRow",
    "ParsedWorkbook",
    "RowWarning",
    "WorkbookRefused",
    "agency_key",
    "clean_county",
    "clean_text",
    "date_from_file_name",
    "model_for",
    "parse_workbook",
    "unwrap_url",
]

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
        links = sheet_hyperlinks(data, getattr(sheet, "_worksheet_path", ""))
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
        # Only the columns read: a cell far to the right must not widen every row.
        rows = sheet.iter_rows(min_row=header_row + 1, max_col=max(fields.values()) + 1)
        for number, cells in enumerate(rows, start=header_row + 1):
            if number > MAX_ROWS:
                # openpyxl yields every row of a gap: one row numbered 10⁹ is 10⁹ rows
                raise too_many_rows()
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
    state = read_state(state_text, number, warn)
    if not agency:
        warn.append(RowWarning(number, "No agency name; row skipped.", "LAW ENFORCEMENT AGENCY"))
        return None
    if state is None:
        return None

    def link(name: str, column: str) -> str | None:
        if name not in fields:
            return None
        return read_link(values.get(name), links.get((number, fields[name])), column, number, warn)

    return AgreementRow(
        row=number,
        state=state,
        agency=agency,
        key=agency_key(agency),
        model=read_model(values.get("support_type"), number, warn),
        agency_type=read_agency_type(values.get("type"), number, warn),
        county=clean_county(values.get("county")),
        signed_on=(
            read_signed_on(values.get("signed"), number, warn)
            if parsed.list_type == PARTICIPATING
            else None
        ),
        agreement_url=link("moa", "MOA"),
        addendum_url=link("addendum", "ADDENDUM"),
    )
