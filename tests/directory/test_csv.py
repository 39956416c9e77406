"""Directory CSV export and import: mapping, preview, per-row errors, idempotent."""

import base64
import io
import re

import sqlalchemy as sa

from campaign.directory.models import Contact, Organization, organization_contacts
from tests.directory.factories import linked_signon
from tests.letters.factories import make_letter

CSV = (
    b"Org,State,Level,Email Address,Phone,Contact person\r\n"
    b"Texas Civil Rights Project,Texas,State,ana@tcrp.org,555-0100,Ana\r\n"
    b"texas civil rights project,TX,state,bo@tcrp.org,,Bo\r\n"
    b"National Network,,National,nn@example.org,,\r\n"
    b"Nowhere Org,Atlantis,Local,x@example.org,,\r\n"
    b",TX,State,y@example.org,,\r\n"
)


def _upload(c, data: bytes):
    return c.post(
        "/directory/import",
        data={"file": (io.BytesIO(data), "orgs.csv")},
        content_type="multipart/form-data",
    )


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def _import(c, html: str, **mapping):
    data = {"data": _hidden(html, "data"), "filename": "orgs.csv", "action": "import"}
    data.update({f"map_{k}": v for k, v in mapping.items()})
    return c.post("/directory/import", data=data)


MAPPING = {
    "org_name": "Org",
    "state": "State",
    "level": "Level",
    "contact_email": "Email Address",
    "contact_phone": "Phone",
    "contact_name": "Contact person",
}


def test_preview_import_and_reimport(login_as, session):
    c = login_as("coordinator")
    assert c.get("/directory/import").status_code == 200
    response = _upload(c, CSV)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is not a US state" in html and "name is missing" in html
    assert session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0
    # the guessed mapping is shown and kept
    assert re.search(r'<option value="Org" selected>', html)
    response = _import(c, html, **MAPPING)
    assert response.status_code == 302
    session.expire_all()
    orgs = session.scalars(sa.select(Organization).order_by(Organization.name)).all()
    assert [(o.name, o.state) for o in orgs] == [
        ("National Network", ""),
        ("Texas Civil Rights Project", "TX"),
    ]
    tcrp = orgs[1]
    emails = set(
        session.scalars(
            sa.select(Contact.email)
            .join(organization_contacts)
            .where(organization_contacts.c.organization_id == tcrp.id)
        )
    )
    assert emails == {"ana@tcrp.org", "bo@tcrp.org"}
    assert session.scalars(sa.select(Contact).where(Contact.email == "ana@tcrp.org")).one().phone
    # the same file again: nothing new, nothing changed
    html = _upload(c, CSV).get_data(as_text=True)
    assert "0 new · 0 to update · 3 unchanged · 2 in error" in html
    _import(c, html, **MAPPING)
    assert session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 3


def test_export_reimports_onto_itself(login_as, session):
    letter = make_letter(session)
    linked_signon(session, letter, org_name="=Formula Org", signer_email="f@example.org")
    c = login_as("coordinator")
    response = c.get("/directory/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    assert "'=Formula Org" in text and "f@example.org" in text
    html = _upload(c, response.get_data()).get_data(as_text=True)
    assert "0 new · 0 to update · 1 unchanged · 0 in error" in html


def test_bad_files_and_tampering(login_as, session):
    c = login_as("coordinator")
    assert _upload(c, b"\x89PNG\r\n").status_code == 400
    bad = c.post("/directory/import", data={"data": "!!not base64!!", "action": "import"})
    assert bad.status_code == 400
    no_org = c.post(
        "/directory/import",
        data={"data": base64.b64encode(CSV).decode(), "action": "import", "map_state": "State"},
    )
    assert no_org.status_code == 400
    assert login_as("member").get("/directory/export.csv").status_code == 403
