"""Before release an embargoed letter's page, API and exports show no signatory and no
count to anyone but staff; the page says noindex and tells signers the release time."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from campaign.core import clock
from campaign.embargo.services import release
from campaign.letters.models import Letter
from campaign.mail.models import OutboxMessage
from campaign.uploads.store import store_for
from tests.delivery.factories import add_signon
from tests.embargo.factories import BEFORE, embargo
from tests.letters.factories import make_letter
from tests.signons.helpers import sign

NOINDEX = '<meta name="robots" content="noindex">'


def _letter(session, **kw):
    letter = make_letter(session, title="End 287(g) in Texas", show_signatories=True, **kw)
    add_signon(session, letter, "Austin Justice Alliance")
    add_signon(session, letter, "Houston Immigrant Rights")
    session.commit()
    return letter


def _release(app, session, letter):
    from campaign.letters.embargo import embargo_of

    with app.app_context():
        done = release(
            session, embargo_of(session, letter.id).id,
            static_dir=app.static_folder, store=store_for(app), now=BEFORE,
        )  # fmt: skip
        session.commit()  # inside: the context's teardown removes the session
    return done


def test_the_public_page_shows_no_signatory_nor_count_and_says_noindex(app, client, session):
    letter = _letter(session)
    page = client.get(f"/sign/{letter.slug}")
    assert "Austin Justice Alliance" in page.text and 'id="on-letter-count">2<' in page.text
    assert NOINDEX not in page.text and "X-Robots-Tag" not in page.headers

    embargo(session, letter)
    page = client.get(f"/sign/{letter.slug}")
    assert page.status_code == 200
    assert "Austin Justice Alliance" not in page.text and "Houston" not in page.text
    assert "on-letter-count" not in page.text and "Signatories" not in page.text
    assert NOINDEX in page.text and page.headers["X-Robots-Tag"] == "noindex"
    # signers are told when, in the zone the coordinator wrote it in, and asked not to share
    assert "Tuesday, March 16, 2027 at 10:00 AM EDT" in page.text
    assert 'datetime="2027-03-16T14:00:00+00:00"' in page.text
    assert "do not share this letter publicly" in page.text
    # the form still takes sign-ons: it circulates by its link
    assert "Sign on for your organization" in page.text

    _release(app, session, letter)
    page = client.get(f"/sign/{letter.slug}")
    assert "Austin Justice Alliance" in page.text and 'id="on-letter-count">2<' in page.text
    assert NOINDEX not in page.text and "X-Robots-Tag" not in page.headers
    assert "embargo" not in page.text.lower()


def test_a_refused_form_under_embargo_shows_no_count_either(client, session):
    letter = _letter(session)
    embargo(session, letter)
    page = client.post(f"/sign/{letter.slug}", data={"org_name": ""})
    assert page.status_code == 400
    assert "Austin Justice Alliance" not in page.text and "on-letter-count" not in page.text
    assert page.headers["X-Robots-Tag"] == "noindex"


def test_signers_are_told_the_release_on_the_thanks_page_and_in_the_email(client, session):
    letter = _letter(session)
    embargo(session, letter)
    response = sign(client, letter, signer_email="lee@example.org")
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"])
    assert "under embargo until" in thanks.text
    assert "Tuesday, March 16, 2027 at 10:00 AM EDT" in thanks.text
    assert "do not share it publicly" in thanks.text and NOINDEX in thanks.text
    session.expire_all()
    mail = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_addr == "lee@example.org")
    ).one()
    assert "under embargo until Tuesday, March 16, 2027 at 10:00 AM EDT" in mail.body_text
    assert "please do not share the letter publicly" in mail.body_text


def test_a_letter_never_embargoed_says_nothing_of_embargoes(client, session):
    letter = _letter(session)
    sign(client, letter, signer_email="kim@example.org")
    session.expire_all()
    mail = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_addr == "kim@example.org")
    ).one()
    assert "embargo" not in mail.body_text


def test_the_api_hides_an_embargoed_letter_from_partners_not_from_coordinators(
    app, session, api_as
):
    letter = _letter(session)
    other = make_letter(session, title="Another letter")
    embargo(session, letter)
    partner, coordinator = api_as("member"), api_as("coordinator")
    # plain values: each API request ends the session the rows were loaded in
    letter = SimpleNamespace(id=letter.id, title=letter.title, slug=letter.slug)
    other = SimpleNamespace(title=other.title)

    listed = {
        p["title"] for p in partner.get("/api/v1/petitions").json["_embedded"]["osdi:petitions"]
    }
    assert letter.title not in listed and other.title in listed
    as_csv = partner.get("/api/v1/petitions?format=csv").text
    assert letter.title not in as_csv and other.title in as_csv
    one = partner.get(f"/api/v1/petitions/{letter.id}").json
    assert (
        "total_signatures" not in one
        and one["coalition:embargoed_until"] == "2027-03-16T14:00:00.000000Z"
    )
    for url in (
        f"/api/v1/petitions/{letter.id}/signatures",
        f"/api/v1/petitions/{letter.id}/signatures?format=csv",
    ):
        refused = partner.get(url)
        assert refused.status_code == 403 and "embargo" in refused.json["error"].lower()
        assert "Austin" not in refused.text
    signon_id = session.scalar(
        sa.text("select min(id) from sign_ons where letter_id = :l"), {"l": letter.id}
    )
    assert partner.get(f"/api/v1/petitions/{letter.id}/signatures/{signon_id}").status_code == 403

    # staff see everything, as on the review pages
    staff = {
        p["title"] for p in coordinator.get("/api/v1/petitions").json["_embedded"]["osdi:petitions"]
    }
    assert letter.title in staff
    assert coordinator.get(f"/api/v1/petitions/{letter.id}").json["total_signatures"] == 2
    rows = coordinator.get(f"/api/v1/petitions/{letter.id}/signatures?format=csv").text
    assert "Austin Justice Alliance" in rows

    _release(app, session, session.get(Letter, letter.id))
    listed = {
        p["title"] for p in partner.get("/api/v1/petitions").json["_embedded"]["osdi:petitions"]
    }
    assert letter.title in listed
    assert partner.get(f"/api/v1/petitions/{letter.id}").json["total_signatures"] == 2
    assert (
        "Austin Justice Alliance"
        in partner.get(f"/api/v1/petitions/{letter.id}/signatures?format=csv").text
    )


def test_a_partner_posting_to_an_embargoed_letter_learns_nothing_of_who_signed(session, api_as):
    letter = _letter(session)
    embargo(session, letter)
    partner = api_as("member")
    body = {
        "person": {
            "given_name": "Ana", "family_name": "Pérez",
            "email_addresses": [{"address": "ana@ajall.org"}],
        },
        "coalition:organization": "Austin Justice Alliance",
        "coalition:level": "state", "coalition:state": "TX", "coalition:signer_title": "Director",
        "coalition:authorized": True,
    }  # fmt: skip
    answers = [partner.post(f"/api/v1/petitions/{letter.id}/signatures", json=body) for _ in (1, 2)]
    for answer in answers:
        assert answer.status_code == 202, answer.text
        assert answer.json == {
            "coalition:status": "received",
            "coalition:embargoed_until": "2027-03-16T14:00:00.000000Z",
        }


def test_staff_pages_say_it_is_embargoed(session, login_as):
    letter = _letter(session)
    embargo(session, letter)
    coordinator = login_as("coordinator")
    page = coordinator.get(f"/campaigns/{_slug(session, letter)}/letters/{letter.id}")
    assert "Under embargo" in page.text and "Release now" in page.text
    member = login_as("member")
    page = member.get(f"/campaigns/{_slug(session, letter)}/letters/{letter.id}")
    assert "Under embargo" in page.text and "Release now" not in page.text


def _slug(session, letter):
    from campaign.campaigns.models import Campaign

    return session.get(Campaign, letter.campaign_id).slug


def test_the_clock_can_be_frozen_and_moved():
    with clock.frozen_at(BEFORE):
        assert clock.now_utc() == BEFORE
    assert clock.now_utc() != BEFORE
