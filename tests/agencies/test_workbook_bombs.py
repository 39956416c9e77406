"""Small workbooks that describe huge ones are refused before openpyxl spends on them.

Before these limits, a 5 KB upload with one row numbered 30,000,000 kept a request busy
for 45 s (10⁹: about 25 minutes), one hyperlink over A1:XFD1048576 needed gigabytes of
memory, and a row of 2.5 million empty cells took 11 s and 800 MB.
"""

import io
import zipfile

import pytest

from campaign.agencies.ice_workbook import WorkbookRefused, parse_workbook
from tests.security import hostile_files as hostile


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.zip_bomb_declared, "would unpack to more than 50 MB"),
        (hostile.zip_bomb_lying, "damaged"),
        (hostile.rows_bomb, "more rows than an ICE list"),
        (hostile.wide_row_bomb, "more cells than an ICE list"),
        (hostile.far_row, "more rows than an ICE list"),
        (hostile.hyperlink_bomb, "more cells than an ICE list"),
    ],
)
def test_bombs_are_refused(build, message):
    data = build()
    assert len(data) < 300_000
    with pytest.raises(WorkbookRefused, match=message):
        parse_workbook(data)


def test_a_sheet_outside_xl_worksheets_is_counted_too():
    """The workbook's relationships may put a sheet anywhere in the archive."""
    source = zipfile.ZipFile(io.BytesIO(hostile.wide_row_bomb()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            name = info.filename
            if name == hostile.SHEET:
                name = "xl/elsewhere.xml"
            if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", b"elsewhere.xml")
            archive.writestr(name, data)
    with pytest.raises(WorkbookRefused, match="more cells than an ICE list"):
        parse_workbook(out.getvalue())


def test_a_real_list_is_still_read():
    parsed = parse_workbook(hostile.ice_workbook("Arcadia Police Department"))
    assert [row.agency for row in parsed.rows] == ["Arcadia Police Department"]
