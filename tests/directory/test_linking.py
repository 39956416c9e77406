"""Every sign-on is linked to its organization and contact (a public one once confirmed);
the backfill links old ones."""

import sqlalchemy as sa

from campaign.directory.backfill import backfill
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.review.manual import ManualInput, add_manual
from campaign.signons.models import SignOn
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.signons.helpers import sign, sign_and_confirm, signons


def _orgs(session):
    session.expire_all()
    return list(session.scalars(sa.select(Organization).order_by(Organization.id)))


def _links(session):
    return set(
        session.execute(
            sa.select(organization_contacts.c.organization_id, organization_contacts.c.contact_id)
        ).all()
    )


def test_an_unconfirmed_sign_on_adds_nothing_to_the_directory(client, session):
    letter = make_letter(session)
    assert sign(client, letter).status_code == 302
    (signon,) = signons(session, letter)
    assert signon.organization_id is None and signon.contact_id is None
    assert _orgs(session) == [] and session.scalars(sa.select(Contact)).all() == []
    # signing again before confirming changes nothing either
    sign(client, letter)
    assert _orgs(session) == [] and _links(session) == set()


def test_public_sign_on_matches_an_existing_organization_and_contact(client, session):
    first, second = make_letter(session), make_letter(session)
    assert sign_and_confirm(client, session, first).status_code == 302
    # written differently on the next letter: same key, same state, email in capitals
    sign_and_confirm(
        client,
        session,
        second,
        org_name="The Immigrant Rights Coalition, Inc.",
        signer_email="ANA@example.org",
        signer_title="Executive Director",
    )
    (org,) = _orgs(session)
    (contact,) = session.scalars(sa.select(Contact)).all()
    assert contact.email == "ana@example.org"
    a, b = signons(session, first)[0], signons(session, second)[0]
    assert a.organization_id == b.organization_id == org.id
    assert a.contact_id == b.contact_id == contact.id
    # each sign-on keeps what was written on its own letter
    assert a.org_name == "Immigrant Rights Coalition" and a.signer_title == "Director"
    assert b.org_name == "The Immigrant Rights Coalition, Inc."
    assert b.signer_title == "Executive Director"
    assert _links(session) == {(org.id, contact.id)}


def test_same_name_in_another_state_is_another_organization(client, session):
    letter = make_letter(session)
    sign_and_confirm(client, session, letter, state="TX")
    sign_and_confirm(client, session, letter, state="CA", signer_email="bo@example.org")
    assert [(o.state, o.key) for o in _orgs(session)] == [
        ("TX", "immigrant rights coalition"),
        ("CA", "immigrant rights coalition"),
    ]


def test_a_person_signing_for_two_organizations(client, session):
    letter = make_letter(session)
    sign_and_confirm(client, session, letter, org_name="Coalition A")
    sign_and_confirm(client, session, letter, org_name="Coalition B")
    orgs = _orgs(session)
    (contact,) = session.scalars(sa.select(Contact)).all()
    assert len(orgs) == 2
    assert _links(session) == {(orgs[0].id, contact.id), (orgs[1].id, contact.id)}


def test_manual_add_and_directory_change_leave_the_sign_on_as_written(login_as, session):
    letter = make_letter(session)
    c = login_as("coordinator")
    signon = add_manual(
        session,
        letter,
        ManualInput(
            org_name="Faith in Action",
            level="local",
            state="AZ",
            city="Phoenix",
            website="",
            signer_name="Lee Wong",
            signer_title="Pastor",
            signer_email="Lee@Example.org",
            listed=True,
        ),
        approved=True,
        actor=c.user,
    )
    session.commit()
    org = session.get(Organization, signon.organization_id)
    contact = session.get(Contact, signon.contact_id)
    assert org.key == "faith in action" and org.city == "Phoenix"
    assert contact.email == "lee@example.org"
    org.name, contact.title = "Faith in Action Arizona", "Bishop"
    session.commit()
    signon = reload(session, signon)
    assert signon.org_name == "Faith in Action" and signon.signer_title == "Pastor"


def test_csv_import_links_its_rows(login_as, session):
    from tests.review.test_import import base, google_csv, upload

    letter = make_letter(session)
    c = login_as("coordinator")
    url = base(session, letter)
    response = upload(c, url, google_csv())
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = c.get(mapping_url).get_data(as_text=True)
    assert "Organization" in page
    session.expire_all()
    # the import's own tests drive the mapping; here the service is called directly
    from campaign.review import importing
    from campaign.review.models import CsvUpload

    upload_row = session.scalars(sa.select(CsvUpload)).one()
    mapping = {
        "org_name": "Organization Name (as it should appear)",
        "state": "Your state",
        "level": "Level of your organization",
        "signer_email": "Email Address",
    }
    importing.import_rows(session, letter, upload_row, mapping, approved=False, actor=c.user)
    session.commit()
    rows = signons(session, letter)
    assert rows and all(r.organization_id for r in rows)
    assert all(r.contact_id for r in rows if r.signer_email)


def test_backfill_links_old_sign_ons_once(session):
    letter = make_letter(session)
    a = make_signon(session, letter, org_name="Old Org", signer_email="Old@Example.org")
    b = make_signon(
        session, make_letter(session), org_name="old org", signer_email="old@example.org"
    )
    assert backfill(session.connection()) == 2
    session.commit()
    a, b = reload(session, a), reload(session, b)
    assert a.organization_id == b.organization_id is not None
    assert a.contact_id == b.contact_id is not None
    assert backfill(session.connection()) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(SignOn)) == 2
    assert len(_orgs(session)) == 1


def test_a_corrected_name_corrects_the_entry_its_sign_on_brought_in(client, session, login_as):
    """Review's "correct the name" also corrects the directory entry that sign-on brought
    in, as long as nobody has worked with it there: the directory has no name editor, and
    the next letter's sign-on under the right name would otherwise start a second entry.
    An entry the coalition entered or worked with keeps its own name."""
    from campaign.campaigns.models import Campaign

    letter = make_letter(session)
    slug = session.get(Campaign, letter.campaign_id).slug
    review = f"/campaigns/{slug}/letters/{letter.id}/signons"
    sign_and_confirm(client, session, letter, org_name="Immigrant Rihgts Coalition")
    sign_and_confirm(client, session, letter, org_name="Worker Justic Center",
                     signer_email="w@example.org")  # fmt: skip
    typo, other = signons(session, letter)
    kept = session.get(Organization, other.organization_id)
    kept.notes = "Met their director in May."  # worked with in the directory
    session.commit()
    c = login_as("coordinator")
    for signon, name in ((typo, "Immigrant Rights Coalition"), (other, "Worker Justice Center")):
        done = c.post(f"{review}/{signon.id}/rename", data={"org_name": name})
        assert done.status_code == 302, done.get_data(as_text=True)
    names = {o.name: o.key for o in _orgs(session)}
    assert names == {
        "Immigrant Rights Coalition": "immigrant rights coalition",
        "Worker Justic Center": "worker justic center",
    }
    # the next letter's sign-on under the corrected name is the same organization
    second = make_letter(session)
    sign_and_confirm(client, session, second, signer_email="new@example.org")
    (again,) = signons(session, second)
    assert again.organization_id == typo.organization_id and len(_orgs(session)) == 2
