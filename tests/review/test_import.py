"""CSV import: a Google Forms export in several encodings, preview, re-import, bad files."""

import codecs
import csv
import io
import zipfile

import pytest
import sqlalchemy as sa

from campaign.review import mapping as csv_mapping
from campaign.review import values
from campaign.review.csvio import read_csv
from campaign.review.models import CsvUpload
from campaign.signons.models import Level, SignOn, SignOnSource, SignOnStatus
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base, events
from tests.signons.helpers import png

HEADER = [
    "Timestamp",
    "Organization Name (as it should appear)",
    "Your state",
    "Level of your organization",
    "Email Address",
    "Can we list your organization's name publicly?",
]
ROWS = [
    ["5/18/2026 10:32:11", "Asociación de Trabajadores Latinos", "Texas", "Statewide",
     "ana@example.org", "Yes"],
    ["5/18/2026 11:02:45", "Comité de Derechos Humanos", "ca", "Local (city or county)",
     "jose@example.org", "No, count us only"],
    ["5/19/2026 09:15:00", "National Immigration Law Center", "", "National",
     "nilc@example.org", "Yes"],
    ["5/19/2026 09:20:00", "=HYPERLINK(\"http://evil.example\",\"x\")", "NY", "Local",
     "x@example.org", "yes"],
    ["5/20/2026 12:00:00", "Somewhere Org", "Atlantis", "Local", "s@example.org", "Yes"],
    ["5/20/2026 12:30:00", "Another Org", "FL", "Planetary", "not-an-email", "maybe"],
]  # fmt: skip


def google_csv(encoding: str = "utf-8-sig", delimiter: str = ",", rows=ROWS) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    text = buf.getvalue()
    if encoding == "utf-16-nobom":
        return text.encode("utf-16-le")
    return text.encode(encoding)


def upload(c, url, data: bytes, name="responses.csv"):
    return c.post(
        url + "/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _org_names(session, letter):
    session.expire_all()
    return sorted(
        session.scalars(sa.select(SignOn.org_name).where(SignOn.letter_id == letter.id)).all()
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", ","), ("utf-16-nobom", "\t"),
     ("cp1252", ","), ("cp1252", ";")],
)  # fmt: skip
def test_google_forms_export_is_read_in_every_encoding(encoding, delimiter):
    data = google_csv(encoding, delimiter)
    parsed = read_csv(data)
    assert parsed.headers == HEADER
    assert parsed.rows[0][1] == "Asociación de Trabajadores Latinos"
    assert parsed.rows[1][1] == "Comité de Derechos Humanos"
    assert parsed.delimiter == delimiter


def test_mapping_preview_import_and_reimport(login_as, session):
    letter = make_letter(session)
    make_signon(session, letter, org_name="National Immigration Law Center",
                level=Level.NATIONAL)  # fmt: skip
    c = login_as("coordinator")
    url = base(session, letter)
    response = upload(c, url, google_csv("cp1252"))
    assert response.status_code == 302
    map_url = response.headers["Location"]
    page = c.get(map_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the file's columns are offered, guessed onto the right fields
    for header in HEADER:
        assert header.replace("'", "&#39;") in html
    guessed = csv_mapping.initial_mapping(HEADER, {})
    assert guessed == {
        "signed_at": "Timestamp",
        "signer_email": "Email Address",
        "listed": "Can we list your organization's name publicly?",
        "level": "Level of your organization",
        "state": "Your state",
        "org_name": "Organization Name (as it should appear)",
    }
    # the preview: per-row errors and "already on the letter"
    assert "Asociación de Trabajadores Latinos" in html
    assert "Already on the letter" in html
    assert "“Atlantis” is not a US state" in html
    assert "“Planetary” is not a level" in html and "“maybe” is not a yes or no" in html
    assert "3 to add · 1 already on the letter · 2 with errors" in html
    assert _org_names(session, letter) == ["National Immigration Law Center"]  # nothing saved

    mapping = {name: header for name, header in guessed.items()}
    response = c.post(map_url, data={**mapping, "action": "import"})
    assert response.status_code == 302
    added = session.scalars(
        sa.select(SignOn).where(SignOn.source == SignOnSource.IMPORT).order_by(SignOn.id)
    ).all()
    assert [s.org_name for s in added] == [
        "Asociación de Trabajadores Latinos",
        "Comité de Derechos Humanos",
        '=HYPERLINK("http://evil.example","x")',  # stored as text, neutralised on export
    ]
    first, second, _third = added
    assert (first.level, first.state, first.listed) == (Level.STATE, "TX", True)
    assert (second.level, second.state, second.listed) == (Level.LOCAL, "CA", False)
    assert first.status == SignOnStatus.CONFIRMED and first.confirmed_at is not None
    assert first.token_hash is None and first.signer_email == "ana@example.org"
    # the Google Forms timestamp, read in the letter's zone (New York, EDT in May)
    assert first.signed_at.isoformat() == "2026-05-18T14:32:11+00:00"
    (summary,) = events(session, "signon.import")
    assert summary.details["added"] == 3 and summary.details["already"] == 1
    assert len(events(session, "signon.add")) == 3

    # the same file again (here in UTF-16) adds nothing and says why, row by row
    response = upload(c, url, google_csv("utf-16"))
    html = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 to add · 4 already on the letter" in html
    c.post(response.headers["Location"], data={**mapping, "action": "import"})
    assert len(_org_names(session, letter)) == 4


def test_import_approved_and_duplicates_inside_the_file(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    rows = [ROWS[0], [*ROWS[0][:1], "The Asociacion de Trabajadores Latinos, Inc.", *ROWS[0][2:]]]
    response = upload(c, base(session, letter), google_csv(rows=rows))
    map_url = response.headers["Location"]
    mapping = csv_mapping.initial_mapping(HEADER, {})
    html = c.post(map_url, data={**mapping, "action": "preview"}).get_data(as_text=True)
    # the same organization twice: the later submission is the one imported
    assert "Submitted again on line 3: the later answer is imported." in html
    c.post(map_url, data={**mapping, "action": "import", "approved": "y"})
    (signon,) = session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter.id)).all()
    assert signon.status == SignOnStatus.APPROVED


def test_org_column_is_required(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), google_csv()).headers["Location"]
    response = c.post(map_url, data={"state": HEADER[2], "action": "import"})
    assert response.status_code == 400
    assert "column that holds the organization" in response.get_data(as_text=True)
    assert _org_names(session, letter) == []


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png(), "PNG image, not a CSV"),
        (_xlsx(), "Excel .xlsx workbook"),
        (b"", "The file is empty"),
        (b"\n\n  \n", "no rows"),
        (codecs.BOM_UTF8 + b"Organization,State\r\n", "header row but no rows"),
        (bytes(range(256)) * 40, "not a CSV file"),
        (b"Org\n" + b"x" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
    ids=["png", "xlsx", "empty", "blank", "header-only", "binary", "too-large"],
)
def test_bad_files_are_refused_with_a_clear_message(login_as, session, data, message):
    letter = make_letter(session)
    c = login_as("coordinator")
    response = upload(c, base(session, letter), data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(CsvUpload.id))) == 0


def test_upload_of_another_letter_is_not_reachable(login_as, session):
    letter, other = make_letter(session), make_letter(session)
    c = login_as("coordinator")
    map_url = upload(c, base(session, letter), google_csv()).headers["Location"]
    upload_id = map_url.rsplit("/", 1)[1]
    assert c.get(f"{base(session, other)}/import/{upload_id}").status_code == 404


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("National", Level.NATIONAL), ("statewide", Level.STATE), ("State", Level.STATE),
     ("Local", Level.LOCAL), ("city", Level.LOCAL), ("County-wide", Level.LOCAL), ("", None)],
)  # fmt: skip
def test_level_words(raw, expected):
    assert values.parse_level(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("yes, list us", True), ("Sí", True), ("No", False),
     ("No, count us only", False), ("Don't list", False), ("", None), ("TRUE", True)],
)  # fmt: skip
def test_list_publicly_answers(raw, expected):
    assert values.parse_listed(raw) is expected


def test_state_names_and_codes():
    assert values.parse_state("texas") == "TX"
    assert values.parse_state("Puerto Rico") == "PR"
    assert values.parse_state("New York (NY)") == "NY"
    with pytest.raises(ValueError):
        values.parse_state("Atlantis")
