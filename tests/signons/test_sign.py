"""The public sign-on page: sign, confirm by email, de-duplicate, never reveal, refuse abuse."""

import io
import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.db import utcnow
from campaign.letters.models import LetterStatus
from campaign.letters.services import current_version
from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from campaign.signons import services
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.signons.helpers import form, link_in, outbox, path_of, png, sign, signons


def _confirm(client, link):
    path = path_of(link)
    assert client.get(path).status_code == 200
    return client.post(path)


def test_sign_and_confirm_through_a_real_smtp_server(client, session, smtp_server, worker_sessions):
    letter = make_letter(session)
    response = sign(client, letter)
    assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    (signon,) = signons(session, letter)
    assert signon.status == SignOnStatus.PENDING and signon.org_key == "immigrant rights coalition"
    assert signon.website == "https://irc.example.org" and signon.state == "TX"
    assert signon.token_hash and len(signon.token_hash) == 64
    assert signon.token_expires_at - utcnow() > timedelta(days=6, hours=23)
    assert services.signed_count(session, letter) == 0  # unconfirmed: not counted

    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "c@example.org") == (1, 0)
    (message,) = smtp_server.messages
    assert message["To"] == "ana@example.org"
    link = link_in(message.get_body(("plain",)).get_content())
    assert link.startswith("http://campaign.test/sign/")
    assert signon.token_hash not in link  # only the hash is stored

    # a mail scanner fetching the link confirms nothing
    page = client.get(path_of(link))
    assert page.status_code == 200 and "Confirm" in page.get_data(as_text=True)
    assert reload(session, signon).status == SignOnStatus.PENDING

    response = client.post(path_of(link))
    assert response.status_code == 302
    signon = reload(session, signon)
    assert signon.status == SignOnStatus.CONFIRMED and signon.confirmed_at is not None
    assert services.signed_count(session, letter) == 1
    # confirmed, it awaits review: not yet among the organizations on the letter
    assert 'id="on-letter-count">0<' in client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "is confirmed" in client.get(path_of(link)).get_data(as_text=True)


def test_confirm_needs_csrf(client, session):
    letter = make_letter(session)
    sign(client, letter)
    link = link_in(outbox(session)[0].body_text)
    assert client.post(path_of(link), csrf=False).status_code == 400
    assert signons(session, letter)[0].status == SignOnStatus.PENDING


def test_signing_needs_the_csrf_token_of_the_page_shown(client, app, session):
    letter = make_letter(session)
    path = f"/sign/{letter.slug}"
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(path, data=form(), csrf=False).status_code == 400
    stranger = app.test_client()  # another browser: its session holds another secret
    stranger.get(path)
    assert stranger.post(path, data={**form(), "csrf_token": token}).status_code == 400
    assert signons(session, letter) == [] and outbox(session) == []
    assert client.post(path, data={**form(), "csrf_token": token}).status_code == 302


def test_auto_approve(client, session):
    letter = make_letter(session, auto_approve=True)
    sign(client, letter)
    _confirm(client, link_in(outbox(session)[0].body_text))
    assert signons(session, letter)[0].status == SignOnStatus.APPROVED


def test_expired_link_offers_a_new_one(client, session):
    letter = make_letter(session)
    sign(client, letter)
    old_link = link_in(outbox(session)[0].body_text)
    (signon,) = signons(session, letter)
    signon.token_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    page = client.get(path_of(old_link)).get_data(as_text=True)
    assert "expired" in page and "Send me a new link" in page
    client.post(path_of(old_link))  # confirming through an expired link does nothing
    assert reload(session, signon).status == SignOnStatus.PENDING
    response = client.post(path_of(old_link) + "/resend")
    assert response.status_code == 200 and "new link" in response.get_data(as_text=True)
    mails = outbox(session)
    assert len(mails) == 2 and mails[1].to_addr == "ana@example.org"
    new_link = link_in(mails[1].body_text)
    assert new_link != old_link
    # the expired link still says it expired (a new one revokes nothing: issue 14.5)
    assert "expired" in client.get(path_of(old_link)).get_data(as_text=True)
    _confirm(client, new_link)
    assert reload(session, signon).status == SignOnStatus.CONFIRMED


def test_unknown_token_is_404(client, session):
    letter = make_letter(session)
    assert client.get(f"/sign/{letter.slug}/confirm/nope").status_code == 404
    assert client.post(f"/sign/{letter.slug}/confirm/nope").status_code == 404


def test_same_organization_never_signs_twice_and_the_page_never_tells(client, session):
    letter = make_letter(session)
    first = sign(client, letter, org_name="The Immigrant Rights Coalition, Inc.")
    again = sign(client, letter, org_name="immigrant  rights coálition")
    assert (first.status_code, first.headers["Location"]) == (
        again.status_code,
        again.headers["Location"],
    )
    assert len(signons(session, letter)) == 1
    mails = outbox(session)
    assert len(mails) == 2
    assert "not confirmed yet" in mails[1].body_text  # one more link for the pending one
    first_link, fresh_link = link_in(mails[0].body_text), link_in(mails[1].body_text)
    assert client.get(path_of(first_link)).status_code == 200  # still valid (issue 14.5)
    # a third try the same day sends nothing more (at most one reminder a day)
    sign(client, letter, org_name="Immigrant Rights Coalition")
    assert len(outbox(session)) == 2
    _confirm(client, fresh_link)
    # the sign-on's own address may hear, by email only, that it signed (once a day)
    reload(session, signons(session, letter)[0]).reminded_at = None
    session.commit()
    third = sign(client, letter, org_name="IMMIGRANT RIGHTS COALITION")
    assert third.headers["Location"] == first.headers["Location"]
    assert "already signed" in outbox(session)[-1].body_text
    assert outbox(session)[-1].to_addr == "ana@example.org"
    assert len(signons(session, letter)) == 1
    # the same name in another state is another organization
    sign(client, letter, state="FL")
    assert len(signons(session, letter)) == 2


def test_pending_signon_claimed_from_another_address(client, session):
    letter = make_letter(session)
    sign(client, letter)
    sign(client, letter, signer_email="someone.else@example.org", signer_name="Other")
    mails = outbox(session)
    assert [m.to_addr for m in mails] == [
        "ana@example.org",
        "someone.else@example.org",
        "ana@example.org",
    ]
    # the newcomer gets what every new signer gets (issue 16.2); the first signer a reminder
    assert mails[1].subject == mails[0].subject and "/confirm/" in mails[1].body_text
    assert "not confirmed yet" in mails[2].body_text
    assert signons(session, letter)[0].signer_name == "Ana Pérez"


def test_one_person_signs_for_two_organizations(client, session):
    letter = make_letter(session)
    sign(client, letter, org_name="Casa Latina", level="local", city="Seattle", state="WA")
    sign(client, letter, org_name="Mutual Aid Network", level="national", state="TX")
    rows = signons(session, letter)
    assert [r.org_name for r in rows] == ["Casa Latina", "Mutual Aid Network"]
    assert rows[1].state == "" and rows[1].level == Level.NATIONAL
    assert len(outbox(session)) == 2


def test_probable_duplicate_is_flagged_on_confirmation_never_merged(client, session):
    letter = make_letter(session)
    sign(client, letter, org_name="American Civil Liberties Union of Texas")
    sign(client, letter, org_name="ACLU of Texas", signer_email="b@example.org")
    sign(client, letter, org_name="Texas Civil Rights Project", signer_email="c@example.org")
    first, second, third = signons(session, letter)
    # unconfirmed: not flagged (an address nobody confirms is nobody's duplicate)
    assert [s.probable_duplicate_of_id for s in (first, second, third)] == [None] * 3
    links = {m.to_addr: link_in(m.body_text) for m in outbox(session)}
    # the later sign-on is the one flagged, whichever confirms first
    for email in ("b@example.org", "c@example.org", "ana@example.org"):
        assert client.post(path_of(links[email])).status_code == 302
    first, second, third = signons(session, letter)
    assert second.probable_duplicate_of_id == first.id
    assert first.probable_duplicate_of_id is None and third.probable_duplicate_of_id is None
    assert second.status == SignOnStatus.CONFIRMED and second.merged_into_id is None


def test_honeypot_stores_nothing(client, session):
    letter = make_letter(session)
    response = sign(client, letter, nickname="bot")
    assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    assert signons(session, letter) == [] and outbox(session) == []


def test_rate_limit_per_address(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_RATE_LIMIT", "2 per minute")
    letter = make_letter(session)
    assert sign(client, letter, org_name="One").status_code == 302
    assert sign(client, letter, org_name="Two").status_code == 302
    assert sign(client, letter, org_name="Three").status_code == 429
    assert len(signons(session, letter)) == 2
    assert client.get(f"/sign/{letter.slug}").status_code == 200  # reading is not limited
    other = {"REMOTE_ADDR": "203.0.113.9"}  # another address has its own count
    response = client.post(
        f"/sign/{letter.slug}", data=form(org_name="Four"), environ_overrides=other
    )
    assert response.status_code == 302 and len(signons(session, letter)) == 3
    # the confirmation page has a count of its own
    link = link_in(outbox(session)[0].body_text)
    assert client.post(path_of(link)).status_code == 302


def test_field_errors_store_nothing(client, session):
    letter = make_letter(session)
    cases = {
        "org_name": ({"org_name": ""}, "Enter your organization&#39;s name."),
        "email": (
            {"signer_email": "not-an-email"},
            "Enter an email address like name@example.org.",
        ),
        "state": ({"level": "local", "state": ""}, "Choose the state"),
        "unknown state": ({"level": "state", "state": "ZZ"}, "Choose a state from the list"),
        "authorized": ({"authorized": None}, "must be authorized"),
        "level": ({"level": None}, "Choose national, state or local"),
        "length": ({"org_name": "x" * 301}, "Field cannot be longer than 300"),
        "comment": ({"comment": "x" * 2001}, "Field cannot be longer than 2000"),
        "website": ({"website": "not a url"}, "Enter a web address"),
        "punctuation only": ({"org_name": "!!!"}, "Enter the organization"),
    }
    for name, (overrides, message) in cases.items():
        response = sign(client, letter, **overrides)
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), name
    assert signons(session, letter) == [] and outbox(session) == []


def _upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def _files(app) -> set[Path]:
    root = _upload_dir(app)
    return set(root.rglob("*")) if root.exists() else set()


def test_logo_checks(client, session, app):
    letter = make_letter(session)
    before = _files(app)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    fake_png = b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10
    big = png((1200, 1200))
    big += b"\0" * (1024 * 1024 + 10 - len(big))
    for data, message in (
        (svg, "PNG or JPEG"),
        (fake_png, "PNG or JPEG"),
        (big, "larger than 1 MB"),
    ):
        response = client.post(
            f"/sign/{letter.slug}",
            data={**form(), "logo": (io.BytesIO(data), "logo.png")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    # a good logo with a bad field: nothing stored, no orphan file
    response = client.post(
        f"/sign/{letter.slug}",
        data={**form(signer_email="bad"), "logo": (io.BytesIO(png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _files(app) == before and signons(session, letter) == []


def test_good_logo_is_stored_and_served_to_coordinators_only(client, session, app, login_as):
    letter = make_letter(session)
    data = png()
    client.post(
        f"/sign/{letter.slug}",
        data={**form(), "logo": (io.BytesIO(data), "logo.png")},
        content_type="multipart/form-data",
    )
    (signon,) = signons(session, letter)
    assert signon.logo_kind == "png" and len(signon.logo_sha256) == 64
    letter = reload(session, letter)
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}/signons/{signon.id}/logo"
    response = login_as("coordinator").get(url)
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Type"] == "image/png"
    assert login_as("member").get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_public_page_counts_and_signatories(client, session):
    letter = make_letter(session)
    names = {
        "Listed National": ("national", "", True, SignOnStatus.APPROVED),
        "Listed Local": ("local", "GA", True, SignOnStatus.APPROVED),
        "Quiet Org": ("state", "TX", False, SignOnStatus.APPROVED),
        "Confirmed Only": ("state", "FL", True, SignOnStatus.CONFIRMED),
        "Still Pending": ("state", "NC", True, SignOnStatus.PENDING),
    }
    for name, (level, state, listed, status) in names.items():
        sign(
            client,
            letter,
            org_name=name,
            level=level,
            state=state,
            listing="list" if listed else "count",
            city="Atlanta",
        )
        row = session.scalar(sa.select(SignOn).where(SignOn.org_name == name))
        row.status = status
        session.commit()
    html = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert [r.status for r in signons(session, letter)] == [s[3] for s in names.values()]
    # on the letter: approved ones only (not confirmed-only, not pending)
    assert re.search(r'id="on-letter-count">(\d+)<', html).group(1) == "3"
    assert "Listed National" not in html  # the list is off
    letter = reload(session, letter)
    letter.show_signatories = True
    session.commit()
    html = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    # grouped as the PDF: national, then by state name, the city after the name
    assert "Listed National" in html and "Listed Local, Atlanta" in html
    assert html.index(">National</h3>") < html.index(">Georgia</h3>")
    assert "1 further organization signed and asked not to be listed." in html
    for hidden in ("Quiet Org", "Confirmed Only", "Still Pending"):
        assert hidden not in html
    assert "footnote" in html  # the body is rendered with its footnotes


def test_draft_is_not_public_and_closed_accepts_nothing(client, session):
    draft = make_letter(session, status=LetterStatus.DRAFT)
    assert client.get(f"/sign/{draft.slug}").status_code == 404
    assert sign(client, draft).status_code == 404
    closed = make_letter(session, status=LetterStatus.CLOSED)
    assert "no longer accepts" in client.get(f"/sign/{closed.slug}").get_data(as_text=True)
    assert sign(client, closed).status_code == 403
    late = make_letter(session)
    late.deadline_at = utcnow() - timedelta(seconds=1)  # still "open", but past its deadline
    session.commit()
    assert sign(client, late).status_code == 403
    assert signons(session, closed) == [] and signons(session, late) == []


def test_text_is_escaped(client, session, login_as):
    letter = make_letter(session, show_signatories=True)
    sign(client, letter, org_name="<script>alert(1)</script> Org", comment="<b>hi</b>")
    (signon,) = signons(session, letter)
    signon.status = SignOnStatus.APPROVED
    session.commit()
    public = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in public and "&lt;script&gt;alert(1)" in public
    letter = reload(session, letter)
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, letter.campaign_id).slug
    # the coordinator's list of sign-ons (campaign.review)
    page = (
        login_as("coordinator")
        .get(f"/campaigns/{slug}/letters/{letter.id}/signons")
        .get_data(as_text=True)
    )
    assert "<script>alert(1)" not in page and "&lt;b&gt;hi&lt;/b&gt;" in page


def test_the_version_shown_is_the_version_recorded(client, session, login_as):
    letter = make_letter(session)
    page = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    shown = re.search(r'<input[^>]*name="version_id"[^>]*value="(\d+)"', page)
    version_id = int(shown.group(1))
    # the coordinator edits the text between the signer's GET and POST
    from campaign.auth.models import Role
    from campaign.letters.services import update_letter
    from tests.factories import create_user

    letter = reload(session, letter)
    local = letter.deadline_local
    update_letter(
        session,
        letter,
        title=letter.title,
        addressees=letter.addressees,
        body="Newer text",
        closing="",
        sender="",
        deadline_on=local.date(),
        deadline_time=local.time(),
        deadline_tz=letter.deadline_tz,
        show_signatories=False,
        auto_approve=False,
        material=False,
        actor=create_user(session, role=Role.COORDINATOR),
    )
    session.commit()
    sign(client, letter, version_id=str(version_id))
    sign(client, letter, org_name="Another", version_id="999999")  # unknown → current
    first, second = signons(session, letter)
    assert first.version_id == version_id
    assert second.version_id != version_id


def test_a_tampered_version_number_is_taken_for_the_current_version(client, session):
    letter = make_letter(session)
    current = current_version(session, letter).id
    huge = "9" * 25  # past the database's integer: was a 500
    assert sign(client, letter, version_id=huge).status_code == 302
    assert signons(session, letter)[0].version_id == current
    path = path_of(link_in(outbox(session)[0].body_text))
    assert client.post(path, data={"version_id": huge}).status_code == 302
    (signon,) = signons(session, letter)
    assert signon.status == SignOnStatus.CONFIRMED and signon.version_id == current


def test_spaces_around_what_was_typed_are_dropped(client, session):
    letter = make_letter(session)
    response = sign(
        client, letter, org_name="  Casa Latina ", level=" local", state=" WA ",
        city=" Seattle ", signer_name=" Ana ", signer_title=" Director ",
        signer_email=" ana@example.org ", comment="  Count us in.  ", listing="count ",
    )  # fmt: skip
    assert response.status_code == 302
    (row,) = signons(session, letter)
    assert (row.org_name, row.level, row.state, row.city) == (
        "Casa Latina",
        Level.LOCAL,
        "WA",
        "Seattle",
    )
    assert (row.signer_name, row.signer_title, row.signer_email) == (
        "Ana",
        "Director",
        "ana@example.org",
    )
    assert row.comment == "Count us in." and row.listed is False
    (mail,) = outbox(session)
    assert mail.to_addr == "ana@example.org"


def test_confirming_twice_confirms_once(client, session):
    letter = make_letter(session)
    sign(client, letter)
    path = path_of(link_in(outbox(session)[0].body_text))
    assert client.post(path).status_code == 302
    again = client.post(path, follow_redirects=True).get_data(as_text=True)
    assert "cannot be confirmed" in again
    (signon,) = signons(session, letter)
    assert signon.status == SignOnStatus.CONFIRMED
    events = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "signon.confirm")
    ).all()
    assert [e.entity_id for e in events] == [signon.id]


def test_a_missing_state_is_reported_with_the_other_mistakes(client, session):
    letter = make_letter(session)
    response = sign(client, letter, level="state", state="", signer_email="not-an-email")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the state for a state or local organization." in page
    assert "Enter an email address like name@example.org." in page
    assert signons(session, letter) == []
    # a national organization needs no state
    assert sign(client, letter, level="national", state="").status_code == 302
