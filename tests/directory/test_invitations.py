"""Invitations: queued through the outbox, never duplicated, unsubscribe honoured, tracked."""

import re

import sqlalchemy as sa

from campaign.directory.models import Contact, Invitation
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOnStatus
from tests.directory.factories import linked_signon
from tests.letters.factories import make_letter
from tests.signons.helpers import link_in, outbox, path_of, sign

LINK = re.compile(r"https?://\S+")


def _invites(session, kind="directory.invitation"):
    session.expire_all()
    return list(
        session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def _invite(c, data):
    """Ask to invite, read how many invitations the confirmation step announces, send them."""
    page = c.post("/directory/invite", data=data)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    m = re.search(r'name="confirm" value="(\d+)"', html)
    if m is None:  # no one to invite: nothing to confirm
        return page
    return c.post("/directory/invite", data={**data, "confirm": m.group(1)})


def _setup(session):
    old = make_letter(session, title="Old letter")
    new = make_letter(session, title="New letter")
    a = linked_signon(session, old, org_name="Org Alpha", signer_email="a@alpha.org")
    b = linked_signon(session, old, org_name="Org Beta", state="CA", signer_email="b@beta.org")
    linked_signon(
        session,
        old,
        org_name="Org Pending",
        signer_email="p@pending.org",
        status=SignOnStatus.PENDING,
    )
    return old, new, a, b


def test_invite_everyone_who_signed_a_letter_never_twice(login_as, session):
    old, new, *_ = _setup(session)
    c = login_as("coordinator")
    assert c.get("/directory/invite").status_code == 200
    data = {"letter_id": new.id, "scope": "signed", "signed_letter_id": old.id}
    assert _invite(c, data).status_code == 302
    mails = _invites(session)
    assert sorted(m.to_addr for m in mails) == ["a@alpha.org", "b@beta.org"]  # not pending
    assert all("/unsubscribe/" in m.body_text and "invite=" in m.body_text for m in mails)
    # a second round (and the filter scope too) invites no one again
    _invite(c, data)
    _invite(c, {"letter_id": new.id, "scope": "filter"})
    assert len(_invites(session)) == 3  # only Org Pending's contact was new to this letter
    assert session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 3


def test_invitation_link_prefills_and_tracks_opened_and_signed(client, login_as, session):
    _old, new, *_ = _setup(session)
    c = login_as("coordinator")
    _invite(c, {"letter_id": new.id, "scope": "filter", "state": "CA"})
    (mail,) = _invites(session)
    assert mail.to_addr == "b@beta.org"
    link = next(u for u in LINK.findall(mail.body_text) if "invite=" in u)
    page = client.get(path_of(link)).get_data(as_text=True)
    assert 'value="Org Beta"' in page and 'value="b@beta.org"' in page
    invitation = session.scalars(sa.select(Invitation)).one()
    assert invitation.opened_at is not None and invitation.signed_at is None
    # a tampered link shows the blank form
    assert "Org Beta" not in client.get(path_of(link) + "x").get_data(as_text=True)
    sign(client, new, org_name="Org Beta", state="CA", signer_email="b@beta.org")
    session.expire_all()
    assert session.scalars(sa.select(Invitation)).one().signed_at is None  # not confirmed yet
    (mail,) = [m for m in outbox(session) if "/confirm/" in m.body_text]
    assert client.post(path_of(link_in(mail.body_text))).status_code == 302
    session.expire_all()
    assert session.scalars(sa.select(Invitation)).one().signed_at is not None


def test_unsubscribe_is_honoured(client, login_as, session):
    _old, new, *_ = _setup(session)
    c = login_as("coordinator")
    _invite(c, {"letter_id": new.id, "scope": "filter", "state": "CA"})
    (mail,) = _invites(session)
    unsub = next(u for u in LINK.findall(mail.body_text) if "/unsubscribe/" in u)
    page = client.get(path_of(unsub))
    assert page.status_code == 200 and "Unsubscribe</button>" in page.get_data(as_text=True)
    contact = session.scalars(sa.select(Contact).where(Contact.email == "b@beta.org")).one()
    assert contact.unsubscribed_at is None  # a GET (a mail scanner) changes nothing
    assert client.post(path_of(unsub)).status_code == 200
    session.expire_all()
    assert session.get(Contact, contact.id).unsubscribed_at is not None
    third = make_letter(session, title="Third")
    _invite(c, {"letter_id": third.id, "scope": "filter"})
    assert "b@beta.org" not in [m.to_addr for m in _invites(session)[1:]]
    assert {m.to_addr for m in _invites(session)[1:]} == {"a@alpha.org", "p@pending.org"}
    assert client.get("/unsubscribe/forged").status_code == 404


def test_invite_refusals(login_as, session):
    _old, new, *_ = _setup(session)
    c = login_as("coordinator")
    r = c.post("/directory/invite", data={"letter_id": 99999, "scope": "filter"})
    assert r.status_code == 400
    r = c.post("/directory/invite", data={"letter_id": new.id, "scope": "filter", "q": "zzz"})
    assert r.status_code == 400 and "No organization matches" in r.get_data(as_text=True)
    assert _invites(session) == []


def test_sending_invitations_says_what_it_will_do_and_asks_once(login_as, session):
    _old, new, *_ = _setup(session)
    linked_signon(session, new, org_name="Org Alpha", signer_email="a2@alpha.org")  # on it
    c = login_as("coordinator")
    data = {"letter_id": new.id, "scope": "filter"}
    page = c.post("/directory/invite", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and _invites(session) == []  # nothing sent yet
    assert "Send 2 invitations?" in html
    assert "This emails <strong>2</strong> people at <strong>2</strong> organizations" in html
    assert "1 organization already on the letter" in html
    # a stale confirmation (the numbers changed) is shown again, not sent
    page = c.post("/directory/invite", data={**data, "confirm": "5"})
    assert "The numbers changed since you looked" in page.get_data(as_text=True)
    assert _invites(session) == []
    assert c.post("/directory/invite", data={**data, "confirm": "2"}).status_code == 302
    assert sorted(m.to_addr for m in _invites(session)) == ["b@beta.org", "p@pending.org"]
    # once sent, nobody is left: the page says so, with nothing to confirm
    html = c.post("/directory/invite", data=data).get_data(as_text=True)
    assert "No one to invite" in html and "2 already invited to this letter" in html
    assert 'name="confirm"' not in html


def test_an_invitation_offers_the_organizations_last_listing_choice(client, login_as, session):
    old, new, *_ = _setup(session)
    linked_signon(session, old, org_name="Quiet Org", state="NY", signer_email="q@quiet.org",
                  listed=False, status=SignOnStatus.APPROVED)  # fmt: skip
    c = login_as("coordinator")
    _invite(c, {"letter_id": new.id, "scope": "filter", "state": "NY"})
    (mail,) = _invites(session)
    link = next(u for u in LINK.findall(mail.body_text) if "invite=" in u)
    page = client.get(path_of(link)).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="count"|<input[^>]*value="count"[^>]*checked', page)
    assert not re.search(
        r'<input checked[^>]*value="list"|<input[^>]*value="list"[^>]*checked', page
    )
    # an organization that asked to be listed is offered that again
    _invite(c, {"letter_id": new.id, "scope": "filter", "state": "CA"})
    mail = _invites(session)[-1]
    link = next(u for u in LINK.findall(mail.body_text) if "invite=" in u)
    page = client.get(path_of(link)).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="list"|<input[^>]*value="list"[^>]*checked', page)
