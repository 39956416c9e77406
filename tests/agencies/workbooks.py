"""Building ICE-like workbooks in tests, for the variants the shipped files do not show."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

import openpyxl

PARTICIPATING_HEADER = [
    "STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA",
    "ADDENDUM",
]  # fmt: skip
PENDING_HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "MOA"]

SAFELINK = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib"
    "%2F287gMOA%2F{name}&data=05%7C02%7CERO287g%40ice.dhs.gov%7C0%7C&reserved=0"
)


class Link:
    """A cell value with a hyperlink."""

    def __init__(self, text: str, url: str) -> None:
        self.text, self.url = text, url


def build_workbook(
    rows: list[list[Any] | None],
    *,
    header: list[str] | None = None,
    title: str | None = None,
    sheet: str = "Sheet1",
    scratch_first: bool = False,
    modified: datetime | None = datetime(2026, 6, 1, 12, 0),
) -> bytes:
    """An xlsx with ``header`` then ``rows`` (None: a blank row); Link cells get hyperlinks."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if scratch_first:
        scratch = wb.create_sheet("Totals", 0)
        scratch.append(["Total", None, "JEM", None, "TFM"])
        scratch.append(["ALABAMA", None, "ALABAMA", None, "ALABAMA"])
    if title:
        ws.append([title])
    ws.append(header or PARTICIPATING_HEADER)
    for row in rows:
        if row is None:
            ws.append([])
            continue
        ws.append([v.text if isinstance(v, Link) else v for v in row])
        for index, value in enumerate(row, start=1):
            if isinstance(value, Link):
                ws.cell(row=ws.max_row, column=index).hyperlink = value.url
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    return data if modified is None else set_modified(data, modified)


def set_modified(data: bytes, modified: datetime) -> bytes:
    """The workbook with another "last saved" date (openpyxl always writes the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    content,
                )
            target.writestr(item, content)
    return out.getvalue()


def agreement(
    state: str = "FLORIDA",
    agency: str = "Test County Sheriff's Office",
    model: str = "Task Force Model",
    signed: Any = datetime(2025, 3, 5),
    *,
    kind: str = "County",
    county: str = "Test County",
    moa: Any = "link pending",
) -> list[Any]:
    """One participating row in ICE's column order."""
    return [state, agency, kind, county, model, signed, moa, None]


def pending(
    state: str = "FLORIDA",
    agency: str = "Test County Sheriff's Office",
    model: str = "Task Force Model",
    *,
    kind: str = "County",
    county: str = "Test County",
) -> list[Any]:
    """One pending row."""
    return [state, agency, kind, county, model, "link pending"]
