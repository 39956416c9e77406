"""The xlsx container: checks made before openpyxl reads a byte, and the sheet's hyperlinks."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from campaign.core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
# What the zip directory may declare once unpacked. ICE's largest release unpacks to
# 1.5 MB; zipfile never inflates a member past its declared size, so checking the
# directory bounds the bytes openpyxl can be made to read.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 2_000
# A few kilobytes of zipped XML can describe millions of rows or cells, and openpyxl
# spends seconds and hundreds of megabytes per million (a row of 2.5 million empty
# cells: 11 s, 800 MB). ICE's largest release has 1,900 rows and 19,000 cells.
MAX_ROWS = 100_000
MAX_CELLS = 500_000


class WorkbookRefused(DomainError):
    """The file is not an ICE list we can read; nothing was stored."""


def check_container(data: bytes) -> None:
    """Refuse what is not a reasonable xlsx before openpyxl touches it."""
    if not data:
        raise WorkbookRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise WorkbookRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: Excel 97–2003 .xls, or an .xlsx protected with a password
        raise WorkbookRefused(
            "This is an old-style .xls or a password-protected workbook: open it in a "
            "spreadsheet program, save it as .xlsx without a password, and import that."
        )
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
    # every XML part, not only xl/worksheets/: the workbook may place its sheets anywhere
    _count_rows_and_cells(data, [m for m in members if m.filename.endswith(".xml")])


def too_many_rows() -> WorkbookRefused:
    """The refusal of a sheet with more rows than any ICE list."""
    return WorkbookRefused(
        f"The workbook has more rows than an ICE list (over {MAX_ROWS:,}); refused as unsafe."
    )


def too_many_cells() -> WorkbookRefused:
    """The refusal of a sheet with more cells (or linked cells) than any ICE list."""
    return WorkbookRefused(
        f"The workbook has more cells than an ICE list (over {MAX_CELLS:,}); refused as unsafe."
    )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")


def _count_rows_and_cells(data: bytes, parts: list[zipfile.ZipInfo]) -> None:
    """Count the row and cell tags of the XML parts, streaming, before openpyxl parses one."""
    rows = cells = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in parts:
                tail = b""
                with archive.open(part) as stream:
                    while chunk := stream.read(1024 * 1024):
                        # a tag cut by the chunk boundary is counted in the next round
                        text = tail + chunk
                        cut = max(0, len(text) - 16)
                        rows += len(_ROW_TAG.findall(text, 0, cut))
                        cells += len(_CELL_TAG.findall(text, 0, cut))
                        tail = text[cut:]
                        if rows > MAX_ROWS:
                            raise too_many_rows()
                        if cells > MAX_CELLS:
                            raise too_many_cells()
                rows += len(_ROW_TAG.findall(tail))
                cells += len(_CELL_TAG.findall(tail))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError):  # fmt: skip
        # a directory understating what a member inflates to (a lying bomb), an unknown
        # compression method, an encrypted member: what openpyxl would fail on later
        raise WorkbookRefused("The workbook is damaged or not an Excel file: it could not be read.")
    if rows > MAX_ROWS:
        raise too_many_rows()
    if cells > MAX_CELLS:
        raise too_many_cells()


_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def sheet_hyperlinks(data: bytes, sheet_path: str) -> dict[tuple[int, int], str]:
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
    linked = 0  # cells named by the ranges so far: one ref can name billions
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
        max_row = min(max_row, min_row + 10_000)
        linked += (max_row - min_row + 1) * (max_col - min_col + 1)
        if linked > MAX_CELLS:
            raise too_many_cells()
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                out[(row, col - 1)] = target
    return out
