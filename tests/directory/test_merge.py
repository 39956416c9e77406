"""Merging two organizations, suggested by fuzzy match, and undoing it from the audit record."""

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.directory.models import Organization, organization_contacts
from campaign.signons.models import SignOn
from tests.directory.factories import linked_signon
from tests.factories import reload
from tests.letters.factories import make_letter


def _contacts_of(session, org_id):
    session.expire_all()
    return set(
        session.scalars(
            sa.select(organization_contacts.c.contact_id).where(
                organization_contacts.c.organization_id == org_id
            )
        )
    )


def _org_of(session, signon):
    return reload(session, signon).organization_id


def test_merge_and_undo(login_as, session):
    one, two = make_letter(session), make_letter(session)
    long = linked_signon(
        session, one, org_name="American Civil Liberties Union of Texas", signer_email="a@x.org"
    )
    short = linked_signon(session, two, org_name="ACLU of Texas", signer_email="b@x.org")
    shared = linked_signon(session, one, org_name="ACLU Texas", signer_email="a@x.org")
    source_id, target_id = short.organization_id, long.organization_id
    c = login_as("coordinator")
    page = c.get(f"/directory/{source_id}").get_data(as_text=True)
    assert "Probable duplicates" in page and "American Civil Liberties Union of Texas" in page

    response = c.post(f"/directory/{source_id}/merge", data={"target_id": target_id})
    assert response.status_code == 302
    assert _org_of(session, short) == target_id
    source = session.get(Organization, source_id)
    assert source.merged_into_id == target_id
    assert _contacts_of(session, source_id) == set()
    assert reload(session, short).contact_id in _contacts_of(session, target_id)
    (event,) = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "organization.merge")
    ).all()
    assert event.details["signon_ids"] == [short.id]
    # merged organizations leave the list; the surviving page offers the undo
    assert "ACLU of Texas</a>" not in c.get("/directory").get_data(as_text=True)
    assert "Undo merge" in c.get(f"/directory/{target_id}").get_data(as_text=True)
    # a later sign-on under the merged name goes to the surviving organization
    later = linked_signon(session, make_letter(session), org_name="ACLU of Texas")
    assert later.organization_id == target_id

    response = c.post(f"/directory/merges/{event.id}/undo")
    assert response.status_code == 302
    assert _org_of(session, short) == source_id
    assert _org_of(session, long) == target_id and _org_of(session, shared) != source_id
    assert _org_of(session, later) == target_id  # signed after the merge: stays
    assert session.get(Organization, source_id).merged_into_id is None
    assert _contacts_of(session, source_id) == {reload(session, short).contact_id}
    assert reload(session, short).contact_id not in _contacts_of(session, target_id)
    assert (
        session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "organization.unmerge")
        )
        == 1
    )
    # undoing twice is refused, not an error page
    again = c.post(f"/directory/merges/{event.id}/undo")
    assert again.status_code == 303
    assert session.scalar(sa.select(sa.func.count()).select_from(SignOn)) == 4


def test_merge_keeps_a_contact_shared_by_both(login_as, session):
    letter = make_letter(session)
    a = linked_signon(session, letter, org_name="Org Alpha", signer_email="same@x.org")
    b = linked_signon(session, letter, org_name="Org Beta", signer_email="same@x.org")
    c = login_as("coordinator")
    c.post(f"/directory/{a.organization_id}/merge", data={"target_id": b.organization_id})
    event = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "organization.merge")
    ).one()
    assert event.details["added_contact_ids"] == []
    c.post(f"/directory/merges/{event.id}/undo")
    contact_id = reload(session, a).contact_id
    assert _contacts_of(session, a.organization_id) == {contact_id}
    assert _contacts_of(session, b.organization_id) == {contact_id}


def test_merge_refusals(login_as, session):
    letter = make_letter(session)
    a = linked_signon(session, letter, org_name="Org Alpha")
    c = login_as("coordinator")
    url = f"/directory/{a.organization_id}/merge"
    assert c.post(url, data={"target_id": a.organization_id}).status_code == 303
    assert c.post(url, data={"target_id": 99999999}).status_code == 303
    assert c.post(url, data={"target_id": "x"}).status_code == 303
    assert c.post("/directory/merges/1/undo").status_code == 404
    assert session.get(Organization, a.organization_id).merged_into_id is None
    assert login_as("member").post(url, data={"target_id": 1}).status_code == 403
