"""Issue 16.2 (no oracle) and issue 14.5 (a second signer never breaks the first).

Signing for an organization that is already on the letter used to mail whatever address
was typed "Your organization has already signed… (December 4, 2026)", for listed,
count-only, pending and rejected sign-ons alike. Now that address gets exactly what a
new signer gets; only once it confirms is the second signer recorded, the sign-on's own
signer and the coordinators told, and a coordinator decides.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from campaign.directory.models import Contact, organization_contacts
from campaign.signons.models import SignOnClaim, SignOnSource, SignOnStatus
from campaign.worklist.services import pending
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.review.factories import make_signon
from tests.signons.helpers import link_in, outbox, path_of, sign, signons

STRANGER = "someone@elsewhere.example"


def _normalised(mail, org_name: str) -> tuple[str, str, str]:
    """A mail with its link and the organization's name taken out."""
    body = re.sub(r"https?://\S+", "LINK", mail.body_text).replace(org_name, "ORG")
    return mail.subject, body, mail.kind


def _reference(client, session, letter):
    """What a brand-new organization's signer gets."""
    sign(client, letter, org_name="Brand New Organization", signer_email="new@example.org")
    (mail,) = [m for m in outbox(session) if m.to_addr == "new@example.org"]
    return _normalised(mail, "Brand New Organization")


STATES = {
    "pending": dict(status=SignOnStatus.PENDING),
    "confirmed": dict(status=SignOnStatus.CONFIRMED),
    "approved, listed": dict(status=SignOnStatus.APPROVED),
    "approved, count only": dict(status=SignOnStatus.APPROVED, listed=False),
    "rejected": dict(status=SignOnStatus.REJECTED),
    "withdrawn": dict(status=SignOnStatus.WITHDRAWN),
    "imported": dict(status=SignOnStatus.APPROVED, source=SignOnSource.IMPORT),
}


@pytest.mark.parametrize("state", list(STATES))
def test_another_address_gets_what_a_new_signer_gets(client, session, state):
    letter = make_letter(session)
    make_signon(session, letter, org_name="Known Organization", **STATES[state])
    reference = _reference(client, session, letter)
    before = len(outbox(session))

    sign(client, letter, org_name="Known Organization", signer_email=STRANGER)
    to_stranger = [m for m in outbox(session)[before:] if m.to_addr == STRANGER]
    assert len(to_stranger) == 1
    assert _normalised(to_stranger[0], "Known Organization") == reference
    # and the link opens the page a new signer's link opens
    page = client.get(path_of(link_in(to_stranger[0].body_text))).get_data(as_text=True)
    assert "Please confirm that <strong>Known Organization</strong> signs this letter" in page
    # nothing else went anywhere but to the sign-on's own address
    assert {m.to_addr for m in outbox(session)[before:]} <= {STRANGER, "ana@example.org"}


def test_second_signer_is_recorded_only_once_confirmed(client, session, login_as):
    letter = make_letter(session)
    signon = make_signon(session, letter, org_name="Known Organization")  # approved
    from campaign.directory.linking import link_signons

    link_signons(session, [signon])
    session.commit()
    sign(client, letter, org_name="Known  organization", signer_email=STRANGER, signer_name="Bo")
    (claim,) = session.scalars(sa.select(SignOnClaim)).all()
    assert claim.confirmed_at is None
    claim_id = claim.id
    # unconfirmed: no contact, nobody told, nothing for coordinators
    assert session.scalar(sa.select(Contact).where(Contact.email == STRANGER)) is None
    assert [m.to_addr for m in outbox(session)] == [STRANGER]
    assert pending(session).second_signers == 0

    link = link_in(outbox(session)[0].body_text)
    assert client.post(path_of(link)).status_code == 302
    page = client.get(path_of(link)).get_data(as_text=True)
    assert "is confirmed" in page and "Known  organization" not in page  # (the name typed)
    assert session.get(SignOnClaim, claim_id).confirmed_at is not None

    # a second contact of the organization in the directory
    contact = session.scalar(sa.select(Contact).where(Contact.email == STRANGER))
    attached = session.execute(
        sa.select(organization_contacts.c.organization_id).where(
            organization_contacts.c.contact_id == contact.id
        )
    ).scalars()
    assert list(attached) == [reload(session, signon).organization_id]
    # the sign-on's own signer is told (and only the confirmed address is quoted to them)
    told = [m for m in outbox(session) if m.to_addr == "ana@example.org"]
    assert len(told) == 1 and STRANGER in told[0].body_text and "Bo" not in told[0].body_text
    # coordinators: in the to-do counts, on the sign-on's page, in its history
    assert pending(session).second_signers == 1
    events = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity_id == signon.id)
    ).all()
    assert "signon.second_signer" in events
    coordinator = login_as("coordinator")
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}/signons/{signon.id}"
    assert STRANGER in coordinator.get(url).get_data(as_text=True)

    # the coordinators decide: the second signer now signs for the organization
    decided = coordinator.post(f"{url}/second-signers/{claim_id}", data={"decision": "signer"})
    assert decided.status_code == 302
    signon = reload(session, signon)
    assert signon.signer_email == STRANGER and signon.signer_name == "Bo"
    assert pending(session).second_signers == 0
    again = coordinator.post(f"{url}/second-signers/{claim_id}", data={"decision": "kept"})
    assert again.status_code == 400  # decided already


def test_a_pending_sign_on_can_be_taken_over_by_a_confirmed_second_signer(
    client, session, login_as
):
    """A squatter's unconfirmed sign-on cannot keep the real organization off the letter."""
    letter = make_letter(session)
    sign(client, letter, org_name="Casa Latina", signer_email="squatter@example.org")
    sign(client, letter, org_name="Casa Latina", signer_email="director@casa.example")
    link = link_in(
        next(m for m in outbox(session) if m.to_addr == "director@casa.example").body_text
    )
    client.post(path_of(link))
    (signon,) = signons(session, letter)
    (claim,) = session.scalars(sa.select(SignOnClaim)).all()
    coordinator = login_as("coordinator")
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}/signons/{signon.id}"
    coordinator.post(f"{url}/second-signers/{claim.id}", data={"decision": "signer"})
    signon = reload(session, signon)
    assert (
        signon.status == SignOnStatus.CONFIRMED and signon.signer_email == "director@casa.example"
    )
    assert signon.organization_id is not None  # in the directory now, with its signer


def test_the_first_signer_is_reminded_at_most_once_a_day(client, session):
    letter = make_letter(session)
    sign(client, letter)  # ana@example.org, pending
    for i in range(5):
        sign(client, letter, signer_email=f"other{i}@example.org")
    to_ana = [m for m in outbox(session) if m.to_addr == "ana@example.org"]
    assert len(to_ana) == 2  # the confirmation, and one reminder
    (signon,) = signons(session, letter)
    signon.reminded_at -= timedelta(days=1)
    session.commit()
    sign(client, letter, signer_email="late@example.org")
    assert len([m for m in outbox(session) if m.to_addr == "ana@example.org"]) == 3


def test_earlier_links_stay_valid_until_used_or_expired(client, session):
    """Issue 14.5: someone signing again, or a re-send, adds a link and revokes none."""
    letter = make_letter(session)
    sign(client, letter)
    first = link_in(outbox(session)[0].body_text)
    sign(client, letter, signer_email=STRANGER)  # a second signer: a reminder goes to Ana
    reminder = link_in([m for m in outbox(session) if m.to_addr == "ana@example.org"][-1].body_text)
    assert reminder != first
    for link in (first, reminder):
        page = client.get(path_of(link))
        assert page.status_code == 200 and "Please confirm that" in page.get_data(as_text=True)
    # the first link, the one from the original email, still confirms
    assert client.post(path_of(first)).status_code == 302
    (signon,) = signons(session, letter)
    assert signon.status == SignOnStatus.CONFIRMED
    # used: both now only say it is confirmed
    for link in (first, reminder):
        assert "is confirmed" in client.get(path_of(link)).get_data(as_text=True)


def test_a_reminder_link_expires_on_its_own_clock(client, session):
    letter = make_letter(session)
    sign(client, letter)
    (signon,) = signons(session, letter)
    signon.token_expires_at -= timedelta(days=8)  # the first link expired
    session.commit()
    sign(client, letter, signer_email=STRANGER)
    reminder = link_in([m for m in outbox(session) if m.to_addr == "ana@example.org"][-1].body_text)
    first = link_in(outbox(session)[0].body_text)
    assert "expired" in client.get(path_of(first)).get_data(as_text=True)
    assert client.post(path_of(reminder)).status_code == 302
    assert reload(session, signon).status == SignOnStatus.CONFIRMED


def test_forgetting_a_person_removes_their_second_signatures(client, session, login_as):
    letter = make_letter(session)
    signon = make_signon(session, letter, org_name="Known Organization")
    from campaign.directory.linking import link_signons

    link_signons(session, [signon])
    session.commit()
    sign(client, letter, org_name="Known Organization", signer_email=STRANGER)
    client.post(path_of(link_in(outbox(session)[0].body_text)))
    contact = session.scalar(sa.select(Contact).where(Contact.email == STRANGER))
    assert (
        login_as("coordinator").post(f"/directory/contacts/{contact.id}/forget").status_code == 302
    )
    session.expire_all()
    assert session.scalars(sa.select(SignOnClaim)).all() == []
