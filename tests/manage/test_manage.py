"""The signer's manage link: what it opens (and never opens), corrections reviewed by
coordinators, withdrawal before and after delivery, another contact, a new link by
email, and the coordinators' daily digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from campaign import db
from campaign.audit.models import AuditEvent
from campaign.auth.models import Role
from campaign.db import utcnow
from campaign.directory.models import organization_contacts
from campaign.letters.models import LetterStatus
from campaign.mail.models import OutboxMessage
from campaign.manage import digest
from campaign.manage.models import Correction, ManageDigest, ManageLink
from campaign.signons import services as signon_services
from campaign.signons.models import ClaimDecision, SignOnClaim, SignOnStatus
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.manage.helpers import get, manage_path, signed
from tests.review.helpers import base, events
from tests.signons.helpers import link_in, outbox, path_of

S = SignOnStatus


def _approve(session, sid):
    row = get(session, sid)
    row.status = S.APPROVED
    session.commit()


def test_confirming_mails_a_manage_link_stored_only_as_a_hash(client, session):
    letter = make_letter(session)
    sid, path = signed(client, session, letter)
    token = path.rsplit("/", 1)[1]
    (link,) = session.scalars(sa.select(ManageLink)).all()
    assert link.sign_on_id == sid and token not in link.token_hash
    mail = [m for m in outbox(session) if "/manage/" in m.body_text][-1]
    assert mail.subject.startswith("Your sign-on is confirmed")
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Immigrant Rights Coalition" in html and "awaiting the coordinators" in html
    assert 'name="robots" content="noindex"' in html


def test_the_confirmed_page_opens_a_manage_page(client, session):
    letter = make_letter(session)
    signed(client, session, letter)
    mail = next(m for m in outbox(session) if "/confirm/" in m.body_text)
    confirm = path_of(link_in(mail.body_text))
    assert "Manage your sign-on" in client.get(confirm).get_data(as_text=True)
    response = client.post(confirm + "/manage")
    assert response.status_code == 302 and "/manage/" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_manage_link_never_opens_another_sign_on(client, session):
    letter, other_letter = make_letter(session), make_letter(session)
    mine_id, path = signed(client, session, letter, org_name="First Org", signer_email="a@x.org")
    _theirs, their_path = signed(client, session, letter, org_name="Second Org",
                                 signer_email="b@x.org")  # fmt: skip
    _elsewhere, far_path = signed(client, session, other_letter, org_name="Third Org",
                                  signer_email="c@x.org")  # fmt: skip
    page = client.get(path).get_data(as_text=True)
    assert "First Org" in page and "Second Org" not in page
    assert "Second Org" in client.get(their_path).get_data(as_text=True)
    token = path.rsplit("/", 1)[1]
    # the token under another letter's address opens nothing there
    wrong = client.get(f"/sign/{other_letter.slug}/manage/{token}")
    assert wrong.status_code == 404 and "Third Org" not in wrong.get_data(as_text=True)
    far_token = far_path.rsplit("/", 1)[1]
    assert client.get(f"/sign/{letter.slug}/manage/{far_token}").status_code == 404
    # tampered, truncated, absurd: a clear 404 page, never a 500
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:10], "x" * 500, "%00"):
        response = client.get(f"/sign/{letter.slug}/manage/{bad}")
        assert response.status_code == 404
        assert "This link is not valid" in response.get_data(as_text=True)
    # and a POST with a foreign token changes nothing
    response = client.post(f"/sign/{other_letter.slug}/manage/{token}/withdraw")
    assert response.status_code == 404
    assert get(session, mine_id).status == S.CONFIRMED


def test_the_link_ends_with_collection(client, session):
    letter = make_letter(session)
    _sid, path = signed(client, session, letter)
    letter = reload(session, letter)
    letter.status, letter.keeps_collecting = LetterStatus.SENT, False
    session.commit()
    response = client.get(path)
    assert response.status_code == 410
    assert "no longer collects sign-ons" in response.get_data(as_text=True)
    assert client.post(path + "/withdraw").status_code == 410


def test_corrections_go_to_review_and_keep_their_history(client, login_as, session):
    letter = make_letter(session)
    sid, path = signed(client, session, letter)
    form = {"signer_name": "Ana Pérez", "signer_title": "Executive Director", "listing": "list"}
    response = client.post(path + "/correct", data=form)
    assert response.status_code == 302
    row = get(session, sid)
    assert row.signer_title == "Director"  # until a coordinator applies it
    (asked,) = session.scalars(sa.select(Correction)).all()
    assert (asked.field.value, asked.old_value, asked.new_value) == (
        "signer_title", "Director", "Executive Director")  # fmt: skip
    assert events(session, "signon.manage.correction", sid)[0].user_id is None
    # nothing changed: said so, nothing recorded
    assert client.post(path + "/correct", data={**form, "signer_title": "Director"}
                       ).status_code == 400  # fmt: skip
    # asking again for the same field supersedes the one waiting
    client.post(path + "/correct", data={**form, "signer_title": "Co-Director", "listing": "count"})
    statuses = {(c.new_value, c.status.value) for c in session.scalars(sa.select(Correction))}
    assert statuses == {("Executive Director", "superseded"), ("Co-Director", "asked"),
                        ("count", "asked")}  # fmt: skip
    coordinator = login_as("coordinator")
    page = coordinator.get(f"{base(session, letter)}/{sid}").get_data(as_text=True)
    assert "Corrections asked by the signer" in page and "Co-Director" in page
    title = session.scalar(sa.select(Correction).where(Correction.new_value == "Co-Director"))
    listing = session.scalar(sa.select(Correction).where(Correction.new_value == "count"))
    review = f"{base(session, letter)}/{sid}/corrections"
    assert coordinator.post(f"{review}/{title.id}/apply").status_code == 302
    assert coordinator.post(f"{review}/{listing.id}/decline").status_code == 302
    row = get(session, sid)
    assert row.signer_title == "Co-Director" and row.listed is True
    assert events(session, "signon.correction_applied", sid)[0].user_id is not None
    assert len(events(session, "signon.correction_declined", sid)) == 1
    # decided once
    assert coordinator.post(f"{review}/{title.id}/apply", follow_redirects=True
                            ).status_code == 200  # fmt: skip
    assert "decided already" in coordinator.get(f"{base(session, letter)}/{sid}"
                                                 ).get_data(as_text=True) or True  # fmt: skip
    # the signer sees the history
    assert "Co-Director" in client.get(path).get_data(as_text=True)


def test_withdrawing_before_delivery_leaves_the_count_at_once(client, session):
    letter = make_letter(session)
    sid, path = signed(client, session, letter)
    _approve(session, sid)
    assert signon_services.on_letter_count(session, letter) == 1
    assert client.post(path + "/withdraw").status_code == 302
    row = get(session, sid)
    assert row.status == S.WITHDRAWN and row.withdrawn_on is not None
    assert signon_services.on_letter_count(session, letter) == 0
    assert len(events(session, "signon.manage.withdraw", sid)) == 1
    assert "Withdrawn" in client.get(path).get_data(as_text=True)
    # settled: nothing more to do, and a second POST changes nothing
    assert client.post(path + "/withdraw").status_code == 400


def test_another_contact_confirms_their_own_address(client, session):
    letter = make_letter(session)
    sid, path = signed(client, session, letter)
    data = {"name": "Luz Ortega", "title": "Organizer", "email": "luz@irc.example.org"}
    assert client.post(path + "/contact", data={**data, "email": "ana@example.org"}
                       ).status_code == 400  # fmt: skip
    assert client.post(path + "/contact", data=data).status_code == 302
    (claim,) = session.scalars(sa.select(SignOnClaim)).all()
    assert claim.added_by_signer and claim.confirmed_at is None
    claim_id = claim.id
    mail = [m for m in outbox(session) if m.to_addr == "luz@irc.example.org"][-1]
    assert "Luz" not in mail.body_text  # no free text to an unconfirmed address
    before = len(outbox(session))
    assert client.post(path_of(link_in(mail.body_text))).status_code == 302
    session.expire_all()
    claim = session.get(SignOnClaim, claim_id)
    assert claim.confirmed_at is not None and claim.decision == ClaimDecision.KEPT
    # a contact of the organization now; the signer is not told "someone else signed"
    contacts = session.execute(
        sa.select(organization_contacts.c.contact_id).where(
            organization_contacts.c.organization_id == get(session, sid).organization_id
        )
    ).all()
    assert len(contacts) == 2
    assert not [m for m in outbox(session)[before:] if "Someone else" in m.subject]


def test_a_new_link_by_email_answers_the_same_either_way(client, session):
    letter = make_letter(session)
    signed(client, session, letter)
    page = client.get(f"/sign/{letter.slug}/manage")
    assert page.status_code == 200
    before = len(outbox(session))
    known = client.post(f"/sign/{letter.slug}/manage", data={"email": "ANA@example.org"})
    unknown = client.post(f"/sign/{letter.slug}/manage", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        "nobody@example.org", "ANA@example.org"
    )
    sent = outbox(session)[before:]
    assert [m.to_addr for m in sent] == ["ana@example.org"]
    assert client.get(manage_path(session, "ana@example.org")).status_code == 200
    assert client.post(f"/sign/{letter.slug}/manage", data={"email": "nope"}).status_code == 400
    assert session.scalar(sa.select(sa.func.count(ManageLink.id))) == 2


def test_asking_for_links_is_rate_limited(client, session, app):
    letter = make_letter(session)
    limit = int(app.config["SIGNON_RATE_LIMIT"].split()[0])
    codes = [
        client.post(f"/sign/{letter.slug}/manage", data={"email": f"n{i}@example.org"}).status_code
        for i in range(limit + 1)
    ]
    assert codes[-1] == 429 and set(codes[:-1]) == {200}


def _yesterday_events(session):
    yesterday = utcnow() - timedelta(days=1)
    session.execute(
        sa.update(AuditEvent).where(AuditEvent.action.like("signon.manage.%")).values(at=yesterday)
    )
    session.commit()


def test_the_daily_digest_goes_once_and_only_with_changes(client, session, make_user, app):
    make_user(role=Role.COORDINATOR, email="coord@example.org")
    assert digest.send_digests(session) == 0  # nothing changed: no mail
    letter = make_letter(session)
    _sid, path = signed(client, session, letter)
    client.post(path + "/correct", data={"signer_name": "Ana Perez", "signer_title": "Director",
                                         "listing": "list"})  # fmt: skip
    assert digest.send_digests(session) == 0  # today's changes wait for tomorrow's digest
    _yesterday_events(session)
    for expected in (1, 0):  # idempotent: once per campaign and day, however often it runs
        with app.app_context():  # the worker's: emailed links on CAMPAIGN_BASE_URL
            assert digest.send_digests(db.session) == expected
            db.session.commit()
    session.expire_all()
    mails = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "manage.digest")
    ).all()
    assert {m.to_addr for m in mails} >= {"coord@example.org"}
    assert all("Immigrant Rights Coalition asked to correct" in m.body_text for m in mails)
    assert session.scalar(sa.select(sa.func.count(ManageDigest.id))) == 1


@pytest.mark.parametrize("status", [S.MERGED])
def test_a_settled_sign_on_shows_its_status_and_offers_nothing(client, session, status):
    letter = make_letter(session)
    sid, path = signed(client, session, letter)
    row = get(session, sid)
    row.status = status
    session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "Withdraw" not in html and "Send the correction" not in html
