"""Letters: coordinators draft, edit (versions), change status; members read."""

from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.letters.models import Letter, LetterStatus, LetterVersion
from campaign.letters.services import body_sha256, deadline_instant
from tests.factories import reload
from tests.letters.factories import make_letter


def _form(**kw):
    data = {
        "title": "End 287(g)",
        "addressees": "The Secretary of Homeland Security\nThe Director of ICE",
        "body": "We urge you.[^1]\n\n[^1]: A source.",
        "closing": "Sincerely,",
        "sender": "The coalition",
        "deadline_on": "2030-07-01",
        "deadline_time": "17:00",
        "deadline_tz": "America/New_York",
    }
    data.update(kw)
    return data


def _url(letter, suffix=""):
    return f"/campaigns/{letter.campaign.slug}/letters/{letter.id}{suffix}"


def _load(session, letter):
    letter = reload(session, letter)
    session.refresh(letter)
    from sqlalchemy.orm import joinedload

    return session.scalar(
        sa.select(Letter).where(Letter.id == letter.id).options(joinedload(Letter.campaign))
    )


def test_coordinator_creates_a_draft_with_first_version(login_as, make_campaign, session):
    campaign = make_campaign()
    c = login_as("coordinator")
    response = c.post(f"/campaigns/{campaign.slug}/letters/new", data=_form())
    assert response.status_code == 302
    letter = session.scalar(sa.select(Letter).where(Letter.campaign_id == campaign.id))
    assert letter.status == LetterStatus.DRAFT and letter.slug == "end-287g"
    # 17:00 in New York in July (EDT, UTC-4) is 21:00 UTC
    assert letter.deadline_at == datetime(2030, 7, 1, 21, 0, tzinfo=UTC)
    assert letter.deadline_tz == "America/New_York"
    (version,) = session.scalars(
        sa.select(LetterVersion).where(LetterVersion.letter_id == letter.id)
    )
    assert version.number == 1 and version.sha256 == body_sha256(letter.body)
    assert session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "letter.create"))


def test_deadline_time_zones_and_dst():
    # Los Angeles in January is UTC-8, in July UTC-7
    assert deadline_instant(date(2030, 1, 15), time(23, 30), "America/Los_Angeles") == datetime(
        2030, 1, 16, 7, 30, tzinfo=UTC
    )
    assert deadline_instant(date(2030, 7, 15), time(23, 30), "America/Los_Angeles") == datetime(
        2030, 7, 16, 6, 30, tzinfo=UTC
    )
    assert deadline_instant(date(2030, 7, 15), time(12, 0), "Pacific/Guam") == datetime(
        2030, 7, 15, 2, 0, tzinfo=UTC
    )


def test_deadline_judged_at_request_time(session):
    letter = make_letter(session)
    letter.deadline_at = deadline_instant(date(2030, 1, 15), time(23, 30), "America/Los_Angeles")
    assert letter.accepts_signons(datetime(2030, 1, 16, 7, 29, tzinfo=UTC))
    assert not letter.accepts_signons(datetime(2030, 1, 16, 7, 30, tzinfo=UTC))
    # the stored status says open, but the clock says closed
    assert letter.status == LetterStatus.OPEN


def test_field_errors_store_nothing(login_as, make_campaign, session):
    campaign = make_campaign()
    c = login_as("coordinator")
    response = c.post(
        f"/campaigns/{campaign.slug}/letters/new",
        data=_form(title="", deadline_on="not a date", deadline_tz="Mars/Olympus"),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This field is required" in html and "Not a valid choice" in html
    assert session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_status_transitions(login_as, session):
    letter = make_letter(session, status=LetterStatus.DRAFT)
    letter = _load(session, letter)
    c = login_as("coordinator")
    assert c.post(_url(letter, "/status"), data={"status": "sent"}).status_code == 302
    assert reload(session, letter).status == LetterStatus.DRAFT
    for new in ("open", "closed", "open", "closed"):
        c.post(_url(letter, "/status"), data={"status": new, "confirmed": "1"})
        assert reload(session, letter).status == LetterStatus(new)
    # "sent" is Print & send's action (it freezes the delivery), not the status form's
    refused = c.post(_url(letter, "/status"), data={"status": "sent"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/delivery")
    assert reload(session, letter).status == LetterStatus.CLOSED
    reload(session, letter).status = LetterStatus.SENT
    session.commit()
    # a sent letter is frozen
    response = c.post(_url(letter, "/edit"), data=_form(body="Changed"))
    assert response.status_code == 400
    assert "can no longer be edited" in response.get_data(as_text=True)


def test_opening_past_the_deadline_is_refused(login_as, session):
    letter = make_letter(session, status=LetterStatus.DRAFT, days=-1)
    letter = _load(session, letter)
    c = login_as("coordinator")
    response = c.post(_url(letter, "/status"), data={"status": "open"}, follow_redirects=True)
    assert "deadline has passed" in response.get_data(as_text=True)
    assert reload(session, letter).status == LetterStatus.DRAFT


def test_editing_the_body_makes_a_new_version_other_fields_do_not(login_as, session):
    letter = _load(session, make_letter(session))
    c = login_as("coordinator")
    edit = c.get(_url(letter, "/edit"))
    assert edit.status_code == 200 and 'value="17:00"' in edit.get_data(as_text=True)
    c.post(_url(letter, "/edit"), data=_form(title="Renamed", body=letter.body))
    numbers = session.scalars(
        sa.select(LetterVersion.number).where(LetterVersion.letter_id == letter.id)
    ).all()
    assert numbers == [1]
    c.post(_url(letter, "/edit"), data=_form(title="Renamed", body="New text"))
    versions = session.scalars(
        sa.select(LetterVersion)
        .where(LetterVersion.letter_id == letter.id)
        .order_by(LetterVersion.number)
    ).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].body == "New text" and versions[1].sha256 == body_sha256("New text")
    assert not versions[1].material
    assert reload(session, letter).title == "Renamed"
    page = c.get(_url(letter, "/versions")).get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page


def test_letter_of_another_campaign_is_404(login_as, make_campaign, session):
    letter = make_letter(session)
    other = make_campaign()
    c = login_as("coordinator")
    for suffix in ("", "/edit", "/versions", "/preview"):
        assert c.get(f"/campaigns/{other.slug}/letters/{letter.id}{suffix}").status_code == 404
    assert (
        c.post(
            f"/campaigns/{other.slug}/letters/{letter.id}/status", data={"status": "closed"}
        ).status_code
        == 404
    )


def test_members_read_but_cannot_change(login_as, session):
    letter = _load(session, make_letter(session))
    m = login_as("member")
    for suffix in ("", "/versions", "/preview"):
        assert m.get(_url(letter, suffix)).status_code == 200
    assert m.get(f"/campaigns/{letter.campaign.slug}/letters/new").status_code == 403
    assert m.get(_url(letter, "/edit")).status_code == 403
    assert m.post(_url(letter, "/edit"), data=_form()).status_code == 403
    assert m.post(_url(letter, "/status"), data={"status": "closed"}).status_code == 403
    assert m.post(_url(letter, "/reconfirm")).status_code == 403
    assert reload(session, letter).status == LetterStatus.OPEN


def test_anonymous_is_sent_to_login(client, session):
    letter = _load(session, make_letter(session))
    assert client.get(_url(letter)).status_code == 302


def test_campaign_page_lists_its_letters(login_as, session):
    letter = _load(session, make_letter(session, title="Our letter to DHS"))
    html = login_as("member").get(f"/campaigns/{letter.campaign.slug}").get_data(as_text=True)
    assert "Our letter to DHS" in html and _url(letter) in html


def test_letters_with_the_same_title_get_distinct_public_addresses(
    login_as, make_campaign, session
):
    c = login_as("coordinator")
    for campaign in (make_campaign(), make_campaign()):
        assert c.post(f"/campaigns/{campaign.slug}/letters/new", data=_form()).status_code == 302
    slugs = session.scalars(sa.select(Letter.slug).where(Letter.slug.like("end-287g%")))
    assert sorted(slugs) == ["end-287g", "end-287g-2"]
