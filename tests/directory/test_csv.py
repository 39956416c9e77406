"""Directory CSV export and import: mapping, preview, per-row errors, idempotent."""

import base64
import csv
import io
import re

import sqlalchemy as sa

from campaign.core.names import org_key
from campaign.db import utcnow
from campaign.directory.csvport import EXPORT_HEADER
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.signons.models import Level
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


def _org(session, name: str, state: str = "TX", **kw) -> Organization:
    level = Level.NATIONAL if not state else Level.STATE
    org = Organization(name=name, key=org_key(name), level=level, state=state, **kw)
    session.add(org)
    session.flush()
    return org


def _contact(session, org: Organization, email: str, **kw) -> Contact:
    contact = Contact(name=email.split("@")[0].title(), email=email, **kw)
    session.add(contact)
    session.flush()
    session.execute(
        sa.insert(organization_contacts).values(organization_id=org.id, contact_id=contact.id)
    )
    return contact


def test_export_is_streamed_one_row_per_organization_and_contact(login_as, session):
    alpha = _org(session, "Alpha Org", notes="=not a formula")
    _contact(session, alpha, "ana@alpha.org", unsubscribed_at=utcnow())
    _contact(session, alpha, "bo@alpha.org", phone="555-0100")
    _org(session, "Beta Network", state="")  # no contact: one row
    gamma = _org(session, "Gamma Org")
    _contact(session, gamma, "forgotten-1@invalid", forgotten_at=utcnow())
    _org(session, "Delta Org", merged_into_id=alpha.id)  # merged away: left out
    session.commit()
    c = login_as("coordinator")
    response = c.get("/directory/export.csv", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="directory.csv"'
    text = b"".join(response.response).decode("utf-8-sig")
    response.close()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == EXPORT_HEADER
    assert [(r["organization"], r["contact email"], r["unsubscribed"]) for r in rows] == [
        ("Alpha Org", "ana@alpha.org", "yes"),
        ("Alpha Org", "bo@alpha.org", ""),
        ("Beta Network", "", ""),
        ("Gamma Org", "", ""),  # its only contact was forgotten
    ]
    assert rows[0]["notes"] == "'=not a formula" and rows[1]["contact phone"] == "555-0100"
    assert rows[2]["level"] == "national" and rows[0]["contact name"] == "Ana"

    def names(query: str) -> list[str]:
        data = c.get("/directory/export.csv" + query).get_data().decode("utf-8-sig")
        return [r["organization"] for r in csv.DictReader(io.StringIO(data, newline=""))]

    # the list's filters apply, the search by a contact's email too (every contact listed)
    assert names("?q=bo%40alpha") == ["Alpha Org", "Alpha Org"]
    assert names("?state=NATIONAL") == ["Beta Network"]
    assert names("?q=gamma") == ["Gamma Org"]
