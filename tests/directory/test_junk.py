"""The directory keeps no junk (issue 14, item 6): organizations and contacts come only
from sign-ons that count or once counted, and every A–Z ignores accents and case."""

import csv
import io

import sqlalchemy as sa

from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.review.helpers import base


def _add(c, session, letter, name, email, **kw):
    data = {"org_name": name, "level": "state", "state": "TX", "signer_name": "Sam",
            "signer_email": email, "listed": "y", **kw}  # fmt: skip
    response = c.post(base(session, letter) + "/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return session.scalar(sa.select(SignOn).where(SignOn.org_name == name))


def _org_names(session) -> set[str]:
    session.expire_all()
    return set(session.scalars(sa.select(Organization.name)))


def _emails(session) -> set[str]:
    return set(session.scalars(sa.select(Contact.email)))


def test_a_rejected_test_sign_on_leaves_nothing_behind(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    junk = _add(c, session, letter, "test", "tester@example.org")
    _add(c, session, letter, "Texas Impact", "ana@texasimpact.example.org")
    assert _org_names(session) == {"test", "Texas Impact"}
    assert "test" in c.get("/directory").get_data(as_text=True)

    url = f"{base(session, letter)}/{junk.id}"
    assert c.post(url + "/reject", data={"reason": "A test entry."}).status_code == 302
    assert _org_names(session) == {"Texas Impact"}
    assert _emails(session) == {"ana@texasimpact.example.org"}
    junk = reload(session, junk)
    assert junk.status == SignOnStatus.REJECTED and junk.organization_id is None
    assert ">test<" not in c.get("/directory").get_data(as_text=True)
    # approved after all: it comes back
    assert c.post(url + "/approve").status_code == 302
    assert _org_names(session) == {"test", "Texas Impact"}
    assert reload(session, junk).organization_id is not None


def test_a_merged_duplicate_leaves_nothing_behind_and_its_signer_stays(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    original = _add(c, session, letter, "ACLU of Texas", "a@aclutx.example.org")
    duplicate = _add(c, session, letter, "American Civil Liberties Union of Texas",
                     "b@aclutx.example.org")  # fmt: skip
    assert len(_org_names(session)) == 2
    url = f"{base(session, letter)}/{duplicate.id}/merge"
    assert c.post(url, data={"into": original.id}).status_code == 302
    assert _org_names(session) == {"ACLU of Texas"}
    org_id = reload(session, original).organization_id
    linked = set(
        session.scalars(
            sa.select(Contact.email)
            .join(organization_contacts, organization_contacts.c.contact_id == Contact.id)
            .where(organization_contacts.c.organization_id == org_id)
        )
    )
    assert linked == {"a@aclutx.example.org", "b@aclutx.example.org"}
    assert reload(session, duplicate).organization_id == org_id


def test_what_the_directory_holds_of_its_own_is_kept(login_as, session):
    # an organization and a contact entered in the directory itself, before any sign-on
    session.add(Organization(name="Texas Impact", key="texas impact", level=Level.STATE,
                             state="TX", notes=""))  # fmt: skip
    session.add(Contact(email="ana@texasimpact.example.org", name="Ana"))
    session.commit()
    letter = make_letter(session)
    c = login_as("coordinator")
    signon = _add(c, session, letter, "Texas Impact", "ana@texasimpact.example.org")
    assert signon.organization_id is not None
    c.post(f"{base(session, letter)}/{signon.id}/reject", data={"reason": "Not authorized."})
    assert _org_names(session) == {"Texas Impact"}
    assert _emails(session) == {"ana@texasimpact.example.org"}


def test_a_withdrawn_organization_once_counted_and_stays(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    signon = _add(c, session, letter, "Grupo Firme", "g@firme.example.org", approved="y")
    url = f"{base(session, letter)}/{signon.id}/withdraw"
    assert c.post(url, data={"asked_on": "2026-01-05"}).status_code == 302
    assert _org_names(session) == {"Grupo Firme"}


def test_directory_backfill_clears_junk_left_from_before(session, app, runner):
    letter = make_letter(session)
    rejected = make_signon(session, letter, org_name="test", status=SignOnStatus.REJECTED,
                           signer_email="t@example.org")  # fmt: skip
    counted = make_signon(session, letter, org_name="Real Org", signer_email="r@example.org")
    # as the directory was filled before this rule: every sign-on linked, junk included
    for s in (rejected, counted):
        org = Organization(name=s.org_name, key=s.org_key, level=s.level, state=s.state,
                           notes="", from_sign_on=True)  # fmt: skip
        contact = Contact(email=s.signer_email, from_sign_on=True)
        session.add_all([org, contact])
        session.flush()
        s.organization_id, s.contact_id = org.id, contact.id
    session.commit()
    result = runner.invoke(args=["directory-backfill"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 organizations and 1 contacts" in result.output
    assert _org_names(session) == {"Real Org"}
    assert _emails(session) == {"r@example.org"}


NAMES = ["test", "Éxito Legal", "apple Collective", "Zeta Group", "The Beta Alliance", "éclair"]
A_TO_Z = ["apple Collective", "The Beta Alliance", "éclair", "Éxito Legal", "test", "Zeta Group"]


def _order(html: str) -> list[str]:
    """The names in the order a page shows them (as link or cell text)."""
    found = {n: html.find(f">{n}<") for n in NAMES}
    return sorted((n for n, at in found.items() if at >= 0), key=found.get)


def _csv_names(text: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]


def test_every_a_to_z_ignores_accents_and_case(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    for i, name in enumerate(NAMES):
        _add(c, session, letter, name, f"s{i}@example.org")
    assert _order(c.get("/directory").get_data(as_text=True)) == A_TO_Z
    export = c.get("/directory/export.csv").get_data(as_text=True)
    assert _csv_names(export, "organization") == A_TO_Z
    assert _order(c.get(base(session, letter) + "?sort=name").get_data(as_text=True)) == A_TO_Z
    signons_csv = c.get(base(session, letter) + "/export.csv?sort=name").get_data(as_text=True)
    assert _csv_names(signons_csv, "organization") == A_TO_Z
