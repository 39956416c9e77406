"""Forget-me: a person's data goes, their organizations' sign-ons and the counts stay."""

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.directory.models import Contact
from campaign.signons.models import SignOn, SignOnStatus
from campaign.signons.services import signed_count
from tests.directory.factories import linked_signon
from tests.factories import reload
from tests.letters.factories import make_letter


def test_forget_me_leaves_sign_on_counts_intact(login_as, session):
    one, two = make_letter(session), make_letter(session)
    kw = {"signer_email": "ana@example.org", "signer_name": "Ana Pérez"}
    a = linked_signon(session, one, org_name="Org Alpha", signer_title="Director", **kw)
    b = linked_signon(session, two, org_name="Org Beta", status=SignOnStatus.APPROVED, **kw)
    other = linked_signon(session, one, org_name="Org Gamma", signer_email="bo@example.org")
    before = (signed_count(session, one), signed_count(session, two))
    contact_id = a.contact_id
    c = login_as("coordinator")
    response = c.post(
        f"/directory/contacts/{contact_id}/forget", data={"org_id": a.organization_id}
    )
    assert response.status_code == 302
    session.expire_all()
    contact = session.get(Contact, contact_id)
    assert contact.forgotten_at is not None and contact.unsubscribed_at is not None
    assert "ana" not in contact.email and contact.name == "(forgotten)" and contact.phone == ""
    for s in (reload(session, a), reload(session, b)):
        assert (s.signer_name, s.signer_title, s.signer_email) == ("(forgotten)", "", "")
        assert s.organization_id is not None and s.status in (
            SignOnStatus.CONFIRMED,
            SignOnStatus.APPROVED,
        )
    assert reload(session, other).signer_email == "bo@example.org"
    assert (signed_count(session, one), signed_count(session, two)) == before
    assert session.scalar(sa.select(sa.func.count()).select_from(SignOn)) == 3
    event = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "contact.forget")
    ).one()
    assert "ana" not in str(event.details).lower()
    page = c.get(f"/directory/{a.organization_id}").get_data(as_text=True)
    assert "ana@example.org" not in page and "Ana Pérez" not in page and "Org Alpha" in page
    # a second time is refused politely
    assert c.post(f"/directory/contacts/{contact_id}/forget").status_code == 302
    assert c.post("/directory/contacts/99999/forget").status_code == 404
