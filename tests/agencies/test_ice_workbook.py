"""The ICE workbook parser: every shipped release, and built workbooks for the other quirks."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections import Counter
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.ice_workbook import (
    WorkbookRefused,
    agency_key,
    clean_county,
    container,
    date_from_file_name,
    parse_workbook,
    unwrap_url,
    values,
)
from tests.agencies.workbooks import (
    PENDING_HEADER,
    SAFELINK,
    Link,
    agreement,
    build_workbook,
    pending,
)


def _parse(name: str):
    return parse_workbook((ICE_DATA_DIR / name).read_bytes())


def _warnings(parsed, column=None):
    return [(w.row, w.message) for w in parsed.warnings if column is None or w.column == column]


# --- the shipped releases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "list_type", "sheet", "rows"),
    [
        ("participating-2025-02-21.xlsx", "participating", "Sheet1", 151),
        ("participating-2025-05-16.xlsx", "participating", "Sheet1", 571),
        ("participating-2026-03-02.xlsx", "participating", "Sheet1", 1499),
        ("participating-2026-05-18.xlsx", "participating", "Sheet1", 1843),
        ("pending-2025-05-15.xlsx", "pending", "Sheet1", 92),
        ("pending-2026-02-27.xlsx", "pending", "Sheet 1", 2),
    ],
)
def test_every_shipped_workbook(name, list_type, sheet, rows):
    parsed = _parse(name)
    assert parsed.list_type == list_type
    assert parsed.sheet == sheet
    assert parsed.rows_read == rows
    assert len(parsed.rows) == rows
    assert {r.model for r in parsed.rows} <= {"JEM", "TFM", "WSO"}
    assert all(len(r.state) == 2 for r in parsed.rows)
    assert len({r.identity for r in parsed.rows}) == rows


def test_models_and_states_of_the_latest_list():
    parsed = _parse("participating-2026-05-18.xlsx")
    assert Counter(r.model for r in parsed.rows) == {"TFM": 1162, "WSO": 499, "JEM": 182}
    states = Counter(r.state for r in parsed.rows)
    assert states["TX"] == 387 and states["FL"] == 348
    # "LOUISIANA " and "NEW HAMPSHIRE " (trailing space) are the same states
    assert states["LA"] == 43 and states["NH"] == 20
    # territories
    assert states["GU"] == 1 and states["MP"] == 2
    assert parsed.warnings == []
    assert parsed.modified_on == date(2026, 5, 18)


def test_first_release_without_county_column():
    parsed = _parse("participating-2025-02-21.xlsx")
    assert "COUNTY" not in parsed.columns
    assert Counter(r.model for r in parsed.rows) == {"WSO": 80, "JEM": 60, "TFM": 11}
    assert all(r.county is None for r in parsed.rows)
    # three "link | addendum" cells have no hyperlink at all
    assert _warnings(parsed, "MOA") == [
        (120, "MOA says “link | addendum” but has no hyperlink."),
        (129, "MOA says “link | addendum” but has no hyperlink."),
        (130, "MOA says “link | addendum” but has no hyperlink."),
    ]
    assert len(parsed.warnings) == 3


def test_typed_signed_date_is_reported_with_its_row():
    parsed = _parse("participating-2025-05-16.xlsx")
    signed = _warnings(parsed, "SIGNED")
    assert signed == [
        (545, "SIGNED “05/082025” is not a date (M/D/YYYY expected). Signed date left empty.")
    ]
    row = next(r for r in parsed.rows if r.row == 545)
    assert row.agency == "Campbell County Sheriff's Office" and row.signed_on is None
    assert len(parsed.warnings) == 4


def test_safelinks_and_viewer_wrappers_are_unwrapped():
    parsed = _parse("participating-2026-03-02.xlsx")
    urls = [r.agreement_url for r in parsed.rows if r.agreement_url]
    assert len(urls) == 1405
    assert not [u for u in urls if "safelinks" in u or not u.startswith("https://www.ice.gov/")]
    colbert = {
        r.model: r.agreement_url for r in parsed.rows if r.key == "colbert county sheriffs office"
    }
    assert colbert["JEM"] == (
        "https://www.ice.gov/doclib/287gMOA/ColbertCoSheriffsOfficeAL_JEM_MOA_05.08.2025.pdf"
    )
    uf = next(r for r in parsed.rows if r.agency == "University of Florida Police Department")
    assert uf.agreement_url == "https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf"
    assert sum(1 for r in parsed.rows if r.addendum_url) == 45


def test_scratch_sheet_is_ignored():
    parsed = _parse("participating-2026-03-02.xlsx")
    assert parsed.sheet == "Sheet1"
    assert "TOTAL" not in {r.agency.upper() for r in parsed.rows}
    assert parsed.rows_read == 1499


def test_pending_list_two_rows_then_formatted_blanks():
    parsed = _parse("pending-2026-02-27.xlsx")
    assert parsed.list_type == "pending"
    assert [(r.row, r.agency, r.model) for r in parsed.rows] == [
        (2, "Franklin County Sheriff's Office", "TFM"),
        (3, "Franklin County Sheriff's Office", "WSO"),
    ]
    assert all(r.signed_on is None and r.agreement_url is None for r in parsed.rows)
    assert parsed.warnings == []


def test_text_is_cleaned():
    parsed = _parse("participating-2025-02-21.xlsx")
    names = {r.agency for r in parsed.rows}
    assert "Power County Sheriff's Office" in names  # was ’
    assert "Kansas Bureau Of Investigation" in names  # was a double space
    assert not [n for n in names if "  " in n or "\u2019" in n or n != n.strip()]


def test_county_error_cells_and_typos():
    parsed = _parse("participating-2026-05-18.xlsx")
    counties = {r.county for r in parsed.rows}
    assert "#N/A" not in counties and "#NA" not in counties and "N/A" not in counties
    assert "Lake County" in counties and "Lake Conty" not in counties
    assert "Guadalupe County" in counties
    assert clean_county("Smith Countey") == "Smith County"
    assert clean_county(" N/A ") is None and clean_county("#NA") is None


# --- built workbooks: variants the shipped files do not show -----------------------------


def test_no_county_column_and_columns_in_another_order():
    header = ["SUPPORT TYPE", "STATE", "LAW ENFORCEMENT AGENCY", "SIGNED"]
    data = build_workbook(
        [["Task Force Model", "TEXAS", "Alpha Police Department", datetime(2025, 1, 2)]],
        header=header,
    )
    parsed = parse_workbook(data)
    (row,) = parsed.rows
    assert (row.state, row.agency, row.model, row.signed_on) == (
        "TX", "Alpha Police Department", "TFM", date(2025, 1, 2),
    )  # fmt: skip
    assert row.county is None and row.agency_type == "unknown"


def test_only_state_and_agency_are_required():
    data = build_workbook([["OHIO", "Beta PD"]], header=["State", "Law Enforcement Agency"])
    parsed = parse_workbook(data)
    assert parsed.list_type == "pending"
    assert [(r.state, r.model) for r in parsed.rows] == [("OH", "unknown")]
    assert _warnings(parsed) == [(2, "No support type; model unknown.")]


def test_blank_rows_inside_the_table_are_skipped_not_the_end():
    data = build_workbook(
        [
            agreement(agency="A PD"),
            None,
            None,
            agreement(agency="B PD"),
            None,
            agreement(agency="C PD"),
        ]
    )
    parsed = parse_workbook(data)
    assert [(r.row, r.agency) for r in parsed.rows] == [(2, "A PD"), (5, "B PD"), (7, "C PD")]
    assert parsed.rows_read == 3


def test_title_row_above_the_header_and_header_with_nbsp():
    header = ["STATE", "LAW\u00a0ENFORCEMENT AGENCY ", " support type", "SIGNED"]
    data = build_workbook(
        [
            [
                "GEORGIA",
                "Cobb County Sheriff's Office",
                "Jail Enforcement Model",
                datetime(2025, 2, 3),
            ]
        ],
        header=header,
        title="287(g) Participating Agencies — updated 6/1/2026",
    )
    parsed = parse_workbook(data)
    assert parsed.header_row == 2
    assert [(r.row, r.state, r.model) for r in parsed.rows] == [(3, "GA", "JEM")]


def test_sheet_chosen_by_header_not_position():
    data = build_workbook([agreement()], scratch_first=True, sheet="Sheet 1")
    parsed = parse_workbook(data)
    assert parsed.sheet == "Sheet 1" and len(parsed.rows) == 1


def test_pending_decided_by_columns():
    parsed = parse_workbook(build_workbook([pending()], header=PENDING_HEADER))
    assert parsed.list_type == "pending"
    assert parse_workbook(build_workbook([agreement()])).list_type == "participating"


def test_misspelled_states_and_territories():
    rows = [
        agreement(state="MCHIGAN", agency="A"),
        agreement(state="UTAHJ", agency="B"),
        agreement(state="WEST VIRIGINA", agency="C"),
        agreement(state="PENNSLYVANIA", agency="D"),
        agreement(state="Guam", agency="E"),
        agreement(state="NORTHERN MARIANA ISLANDS", agency="F"),
        agreement(state="west virginia ", agency="G"),
        agreement(state="ATLANTIS", agency="H"),
        agreement(state="", agency="I"),
    ]
    parsed = parse_workbook(build_workbook(rows))
    assert [(r.agency, r.state) for r in parsed.rows] == [
        ("A", "MI"), ("B", "UT"), ("C", "WV"), ("D", "PA"), ("E", "GU"), ("F", "MP"), ("G", "WV"),
    ]  # fmt: skip
    assert _warnings(parsed, "STATE") == [
        (2, "State “MCHIGAN” read as Michigan."),
        (3, "State “UTAHJ” read as Utah."),
        (4, "State “WEST VIRIGINA” read as West Virginia."),
        (5, "State “PENNSLYVANIA” read as Pennsylvania."),
        (9, "Unknown state “ATLANTIS”; row skipped."),
        (10, "No state; row skipped."),
    ]
    assert parsed.rows_read == 9


def test_support_type_variants():
    names = [
        "Warrant Services Officer", "Jail Enforcment Model", "Task Force Officer",
        "Jail Enforcement Model ", "TFM", "Warant Service Oficer", "Community Model", None,
    ]  # fmt: skip
    rows = [agreement(agency=f"Agency {i}", model=m) for i, m in enumerate(names)]
    parsed = parse_workbook(build_workbook(rows))
    assert [r.model for r in parsed.rows] == [
        "WSO", "JEM", "TFM", "JEM", "TFM", "WSO", "unknown", "unknown",
    ]  # fmt: skip
    assert _warnings(parsed, "SUPPORT TYPE") == [
        (7, "Support type “Warant Service Oficer” read as Warrant Service Officer."),
        (8, "Unknown support type “Community Model”; model unknown."),
        (9, "No support type; model unknown."),
    ]


def test_agency_type_variants():
    kinds = [
        "County ",
        "Municipality",
        "Municipal",
        "Muncipality",
        "State",
        "State Agency",
        "#NA",
        "",
    ]
    rows = [agreement(agency=f"Agency {i}", kind=k) for i, k in enumerate(kinds)]
    parsed = parse_workbook(build_workbook(rows))
    assert [r.agency_type for r in parsed.rows] == [
        "county", "municipal", "municipal", "municipal", "state", "state", "unknown", "unknown",
    ]  # fmt: skip
    assert _warnings(parsed, "TYPE") == []


def test_signed_dates_bad_ones_reported_never_fixed():
    values = [
        "05/082025", "7/72025", "7/7/2025", datetime(5025, 5, 8), None, "2025-04-01",
        "13/45/2025", 45000,
    ]  # fmt: skip
    rows = [agreement(agency=f"Agency {i}", signed=v) for i, v in enumerate(values)]
    parsed = parse_workbook(build_workbook(rows))
    assert [r.signed_on for r in parsed.rows] == [
        None,
        None,
        date(2025, 7, 7),
        None,
        None,
        date(2025, 4, 1),
        None,
        date(2023, 3, 15),
    ]
    assert _warnings(parsed, "SIGNED") == [
        (2, "SIGNED “05/082025” is not a date (M/D/YYYY expected). Signed date left empty."),
        (3, "SIGNED “7/72025” is not a date (M/D/YYYY expected). Signed date left empty."),
        (5, "SIGNED 5025-05-08 has an impossible year. Signed date left empty."),
        (6, "SIGNED is empty. Signed date left empty."),
        (8, "SIGNED “13/45/2025” is not a date (M/D/YYYY expected). Signed date left empty."),
    ]
    # every row is still imported: it can be identified
    assert len(parsed.rows) == len(values)


def test_excel_error_cells_and_messy_text():
    rows = [
        agreement(agency="\nAlpha\u00a0County  Sheriff\u2019s Office ", county="#N/A"),
        agreement(agency="Beta PD", county="N/A", kind="#N/A"),
    ]
    parsed = parse_workbook(build_workbook(rows))
    first, second = parsed.rows
    assert first.agency == "Alpha County Sheriff's Office"
    assert first.county is None and second.county is None and second.agency_type == "unknown"
    assert agency_key("Alpha County Sheriff’s Office") == first.key


def test_hyperlinks_only_from_cells_and_unwrapped():
    rows = [
        agreement(agency="A", moa=Link("link", SAFELINK.format(name="A_TFM_MOA.pdf"))),
        agreement(agency="B", moa="link"),
        agreement(agency="C", moa="https://www.ice.gov/doclib/287gMOA/C.pdf"),
        agreement(agency="D", moa="link\u00a0|\u00a0addendum"),
        agreement(agency="E", moa="link pending"),
        agreement(agency="F", moa=Link("link", "https:/www.ice.gov/doclib/287gMOA/F.pdf")),
    ]
    rows[0][7] = Link("link", "https://www.ice.gov/doclib/287gMOA/A_addendum.pdf")
    parsed = parse_workbook(build_workbook(rows))
    urls = {r.agency: (r.agreement_url, r.addendum_url) for r in parsed.rows}
    assert urls["A"] == (
        "https://www.ice.gov/doclib/287gMOA/A_TFM_MOA.pdf",
        "https://www.ice.gov/doclib/287gMOA/A_addendum.pdf",
    )
    assert urls["B"] == urls["C"] == urls["D"] == urls["E"] == (None, None)
    assert urls["F"][0] == "https://www.ice.gov/doclib/287gMOA/F.pdf"
    assert _warnings(parsed, "MOA") == [
        (3, "MOA says “link” but has no hyperlink."),
        (4, "MOA shows an address as text but has no hyperlink; ignored."),
        (5, "MOA says “link | addendum” but has no hyperlink."),
    ]


def test_duplicate_rows_are_reported_once():
    rows = [agreement(agency="Same PD"), agreement(agency="Same  PD ")]
    parsed = parse_workbook(build_workbook(rows))
    assert len(parsed.rows) == 1
    assert _warnings(parsed) == [(3, "Same agency and support type as row 2; row skipped.")]


def test_unwrap_url():
    assert unwrap_url(SAFELINK.format(name="X.pdf")) == "https://www.ice.gov/doclib/287gMOA/X.pdf"
    assert (
        unwrap_url("chrome-extension://abc/https://www.ice.gov/a.pdf")
        == "https://www.ice.gov/a.pdf"
    )
    assert unwrap_url("javascript:alert(1)") is None
    assert unwrap_url("mailto:x@example.org") is None


def test_date_from_file_name():
    assert date_from_file_name("participating-2026-05-18.xlsx") == date(2026, 5, 18)
    assert date_from_file_name("participatingAgencies05182026am.xlsx") == date(2026, 5, 18)
    assert date_from_file_name("agencies.xlsx") is None


# --- refused files ----------------------------------------------------------------------


def _refused(data: bytes) -> str:
    with pytest.raises(WorkbookRefused) as err:
        parse_workbook(data)
    return err.value.message


def test_refuses_what_is_not_an_xlsx():
    assert "not an Excel workbook" in _refused(b"STATE,LAW ENFORCEMENT AGENCY\nTEXAS,X\n")
    assert "empty" in _refused(b"")
    docx_like = io.BytesIO()
    with zipfile.ZipFile(docx_like, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "not an Excel workbook" in _refused(docx_like.getvalue())


def test_refuses_a_corrupted_file():
    data = (ICE_DATA_DIR / "pending-2025-05-15.xlsx").read_bytes()
    assert "damaged" in _refused(data[: len(data) // 2])
    sheet = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    broken = bytearray(data)
    start = sheet.header_offset + 60  # inside the deflated sheet
    broken[start : start + 400] = b"\x00" * 400
    assert "could not be read" in _refused(bytes(broken))


def test_refuses_a_zip_bomb_before_unpacking(monkeypatch):
    monkeypatch.setattr(container, "MAX_UNPACKED_BYTES", 5 * 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (6 * 1024 * 1024))
    assert len(bomb.getvalue()) < 100_000
    assert "unsafe" in _refused(bomb.getvalue())


def test_refuses_an_oversized_file():
    assert "larger than 20 MB" in _refused(b"PK" + b"\x00" * (20 * 1024 * 1024))


def test_refuses_wrong_columns():
    data = build_workbook([["x", "y"]], header=["NAME", "ADDRESS"])
    assert "No sheet has the columns" in _refused(data)


def test_refuses_old_xls_with_advice():
    assert "save it as .xlsx" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_never_crash(data):
    for candidate in (data, b"PK\x03\x04" + data):
        with contextlib.suppress(WorkbookRefused):
            parse_workbook(candidate)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True)))
def test_cell_readers_never_crash(value):
    warnings = []
    values.read_signed_on(value, 2, warnings)
    values.read_model(value, 2, warnings)
    values.read_agency_type(value, 2, warnings)
    values.read_state(values.clean_text(value), 2, warnings)
    clean_county(value)
    unwrap_url(values.clean_text(value))
