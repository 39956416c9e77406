"""Defects the hostile-file corpus found, each pinned by a short test of its own."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from campaign.agencies.models import ImportSnapshot
from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from campaign.delivery.models import LetterPrintOptions
from campaign.review.csvio import CsvError, neutralise, read_csv, write_csv
from campaign.review.models import CsvUpload
from campaign.signons.models import SignOn
from tests.letters.factories import make_letter
from tests.security.hostile_files import BY_KEY, ice_workbook

# PostgreSQL refused the NUL (a 500); the others were kept and shown as uploaded.
HOSTILE_NAMES = [
    ("nul\x00byte.xlsx", "nulbyte.xlsx"),
    ("\u202eslx.exe", "slx.exe"),
    ("../../etc/passwd", "passwd"),
]


@pytest.mark.parametrize(("name", "kept"), HOSTILE_NAMES)
def test_workbook_file_names_are_cleaned(login_as, session, name, kept):
    c = login_as("coordinator")
    data = {"file": (io.BytesIO(ice_workbook(f"Name Test PD {kept}")), name)}
    response = c.post("/agencies/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert session.scalar(sa.select(ImportSnapshot.file_name)) == kept
    details = session.scalar(
        sa.select(AuditEvent.details).where(AuditEvent.action.like("agencies.import%"))
    )
    assert "\x00" not in str(details) and "\u202e" not in str(details)


@pytest.mark.parametrize(("name", "kept"), HOSTILE_NAMES)
def test_csv_upload_file_names_are_cleaned(login_as, session, name, kept):
    letter = make_letter(session)
    c = login_as("coordinator")
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}/signons/import"
    csv = b"Organization,State\r\nName Test Org,TX\r\n"
    response = c.post(url, data={"file": (io.BytesIO(csv), name)})
    assert response.status_code == 302
    assert session.scalar(sa.select(CsvUpload.filename)) == kept


def test_directory_import_file_name_is_cleaned(login_as):
    c = login_as("coordinator")
    csv = b"Organization,State\r\nName Test Org,TX\r\n"
    page = c.post("/directory/import", data={"file": (io.BytesIO(csv), "\u202evsc.exe\x00")})
    assert page.status_code == 200
    assert 'name="filename" value="vsc.exe"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        # a stray NUL made the file "UTF-16": one garbled row, "no rows of data"
        ("csv-nul-bytes", "not a CSV file"),
        # a NUL past the first 64 KB reached the database (a 500 on PostgreSQL)
        ("csv-nul-late", "not a CSV file"),
        # a million short rows were read, then checked one by one on every page view
        ("csv-rows-bomb", "more than 20,000 rows"),
    ],
)
def test_csv_files_refused_with_a_clear_message(key, message):
    with pytest.raises(CsvError, match=message):
        read_csv(BY_KEY[key].data)


def test_nul_past_the_sample_never_reaches_the_database(login_as, session):
    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    c = login_as("coordinator")
    base = f"/campaigns/{slug}/letters/{letter.id}/signons/import"
    response = c.post(base, data={"file": (io.BytesIO(BY_KEY["csv-nul-late"].data), "x.csv")})
    assert response.status_code == 400
    assert "not a CSV file" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(CsvUpload)) == 0


def test_an_empty_logo_is_refused_on_the_public_form(client, session):
    """It was dropped silently: the sign-on was stored without the logo the signer chose."""
    letter = make_letter(session)
    form = {
        "org_name": "Empty Logo Org", "level": "national", "signer_name": "Ana Pérez",
        "signer_title": "Directora", "signer_email": "ana@example.org", "authorized": "y",
        "authority": "executive",
        "listing": "list", "logo": (io.BytesIO(b""), "logo.png"),
    }  # fmt: skip
    response = client.post(f"/sign/{letter.slug}", data=form)
    assert response.status_code == 400
    assert "The file is empty." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(SignOn)) == 0


def test_an_empty_letterhead_logo_is_refused(login_as, session):
    """It was dropped silently and the other print options saved."""
    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}/delivery"
    form = {"grouping": "state", "columns": "2", "logo": (io.BytesIO(b""), "logo.png")}
    response = login_as("coordinator").post(url, data=form)
    assert response.status_code == 400
    assert "The file is empty." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(LetterPrintOptions)) == 0


def test_a_semicolon_cannot_start_a_formula_in_an_export():
    """A spreadsheet whose list separator is ";" split "Org;=1+1" into a formula cell."""
    cell = neutralise('Org;=HYPERLINK("http://evil.example","x")')
    assert cell == 'Org;\'=HYPERLINK("http://evil.example","x")'
    assert neutralise('Org; "=1+1') == "Org;' \"=1+1"
    assert neutralise("=1;-2") == "'=1;'-2"
    assert neutralise("Hope; Esperanza") == "Hope; Esperanza"
    exported = write_csv(["organization"], [[cell]]).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(exported), delimiter=";"):
        assert not any(part.startswith(("=", "+", "-", "@")) for part in row)
