"""Issue 16, info: invitation links never expired. They fill in a contact's name and
address, so they work only while the letter takes sign-ons and until the organization
has signed."""

from __future__ import annotations

from datetime import timedelta

from campaign.db import utcnow
from campaign.letters.models import Letter
from tests.directory.test_invitations import LINK, _invite, _invites, _setup
from tests.signons.helpers import link_in, outbox, path_of, sign


def _invitation_link(session, login_as):
    _old, new, *_ = _setup(session)
    c = login_as("coordinator")
    _invite(c, {"letter_id": new.id, "scope": "filter", "state": "CA"})
    (mail,) = _invites(session)
    return new, next(u for u in LINK.findall(mail.body_text) if "invite=" in u)


def _prefilled(client, link) -> bool:
    return 'value="b@beta.org"' in client.get(path_of(link)).get_data(as_text=True)


def test_an_invitation_expires_with_the_letters_deadline(client, session, login_as):
    letter, link = _invitation_link(session, login_as)
    assert _prefilled(client, link)
    session.get(Letter, letter.id).deadline_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert not _prefilled(client, link)


def test_an_invitation_stops_working_once_the_organization_signed(client, session, login_as):
    letter, link = _invitation_link(session, login_as)
    sign(client, letter, org_name="Org Beta", state="CA", signer_email="b@beta.org")
    (mail,) = [m for m in outbox(session) if "/confirm/" in m.body_text]
    assert _prefilled(client, link)  # not signed until confirmed
    client.post(path_of(link_in(mail.body_text)))
    assert not _prefilled(client, link)
