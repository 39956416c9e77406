"""The coalition as signers see it: public pages, emails and the printed letter name the
coalition (the instance's, or a campaign's own), with its contact and logo."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.campaigns.coalition import coalition_of
from campaign.campaigns.models import Campaign, CoalitionSettings
from campaign.delivery.snapshot import snapshot_for
from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from campaign.printing import render_docx, render_pdf
from campaign.uploads.store import UploadStore, store_for
from tests.letters.factories import make_letter
from tests.printing.conftest import STATIC, needs_poppler, pdftotext, squash
from tests.signons.helpers import link_in, outbox, path_of, png, sign

NAME = "Southern Border Rights Coalition"
CONTACT = "info@borderrights.example.org"


def _settings(client, **data):
    return client.post(
        "/settings/coalition",
        data={"name": NAME, "contact_email": CONTACT, **data},
        content_type="multipart/form-data",
    )


def _set_instance(session, app, *, logo: bytes | None = None) -> None:
    settings = session.get(CoalitionSettings, 1) or CoalitionSettings(id=1)
    settings.name, settings.contact_email = NAME, CONTACT
    if logo:
        stored = store_for(app).save(logo, allowed={"png"}, max_bytes=1 << 20)
        settings.logo_sha256, settings.logo_kind = stored.sha256, stored.kind
    session.add(settings)
    session.commit()


def test_coordinator_sets_the_coalition_on_the_settings_page(login_as, session, app):
    coordinator = login_as("coordinator")
    page = coordinator.get("/settings/coalition")
    assert page.status_code == 200
    # reached from the campaign list
    assert 'href="/settings/coalition"' in coordinator.get("/campaigns").get_data(as_text=True)
    logo = png((60, 20))
    response = _settings(coordinator, logo=(io.BytesIO(logo), "logo.png"))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    settings = session.get(CoalitionSettings, 1)
    assert (settings.name, settings.contact_email, settings.logo_kind) == (NAME, CONTACT, "png")
    assert store_for(app).read(settings.logo_sha256) == logo
    assert session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "coalition.update"))
    # the logo is public (the sign-on pages show it)
    served = login_as("member").get(f"/coalition/logo/{settings.logo_sha256}")
    assert served.status_code == 200 and served.mimetype == "image/png"


def test_bad_input_is_refused_with_field_errors_and_nothing_stored(login_as, session):
    coordinator = login_as("coordinator")

    def not_an_image():
        return (io.BytesIO(b"GIF89a not really"), "logo.png")

    response = _settings(coordinator, contact_email="not an address", logo=not_an_image())
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Enter an email address like info@example.org." in text
    assert session.get(CoalitionSettings, 1) is None or not session.get(CoalitionSettings, 1).name
    response = _settings(coordinator, logo=not_an_image())
    assert response.status_code == 400
    assert "Logo: The file must be a PNG or JPEG file." in response.get_data(as_text=True)
    session.expire_all()
    settings = session.get(CoalitionSettings, 1)
    assert settings is None or not settings.name


def test_members_cannot_change_the_coalition(login_as):
    member = login_as("member")
    assert member.get("/settings/coalition").status_code == 403
    assert _settings(member).status_code == 403


def test_only_coalition_logos_are_public(client, session, app):
    stored = store_for(app).save(png((9, 9)), allowed={"png"}, max_bytes=1 << 20)
    assert client.get(f"/coalition/logo/{stored.sha256}").status_code == 404
    assert client.get("/coalition/logo/../../secret_key").status_code == 404


def test_the_sign_page_names_the_coalition_not_the_app(client, session, app):
    _set_instance(session, app, logo=png((40, 10)))
    letter = make_letter(session)
    session.commit()
    html = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert f'<span class="coalition-name h5 mb-0" id="coalition-name">{NAME}</span>' in html
    assert 'id="coalition-logo"' in html
    assert f'href="mailto:{CONTACT}"' in html
    assert f"· {NAME}</title>" in html
    assert "navbar-brand" not in html  # no staff chrome
    assert ">Log in</a>" not in html
    assert "Staff login" in html  # a discreet link in the footer


def test_thanks_confirm_and_invalid_link_pages_name_the_coalition(client, session, app):
    _set_instance(session, app)
    letter = make_letter(session)
    session.commit()
    thanks = client.get(sign(client, letter).headers["Location"]).get_data(as_text=True)
    assert NAME in thanks and CONTACT in thanks and ">Log in</a>" not in thanks
    link = [m for m in outbox(session) if m.to_addr == "ana@example.org"][-1].body_text
    confirm = client.get(path_of(link_in(link)))
    assert NAME in confirm.get_data(as_text=True)
    invalid = client.get(f"/sign/{letter.slug}/confirm/not-a-token")
    assert invalid.status_code == 404
    text = invalid.get_data(as_text=True)
    assert f"contact {NAME} at" in text and f'href="mailto:{CONTACT}"' in text


def test_a_campaign_may_name_its_own_coalition(login_as, session, app):
    _set_instance(session, app)
    letter = make_letter(session)
    campaign = session.get(Campaign, letter.campaign_id)
    session.commit()
    coordinator = login_as("coordinator")
    page = coordinator.get(f"/campaigns/{campaign.slug}/coalition")
    assert page.status_code == 200 and NAME in page.get_data(as_text=True)  # what it inherits
    response = coordinator.post(
        f"/campaigns/{campaign.slug}/coalition",
        data={"name": "Texas Coalition Against 287(g)", "contact_email": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    own = coalition_of(session, campaign.id)
    # its own name, the instance's contact (left empty here)
    assert (own.name, own.contact_email) == ("Texas Coalition Against 287(g)", CONTACT)
    html = coordinator.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert "Texas Coalition Against 287(g)" in html


def test_configured_default_and_last_resort(session, app, monkeypatch):
    letter = make_letter(session)
    campaign = session.get(Campaign, letter.campaign_id)
    assert coalition_of(session, campaign.id).name == campaign.name
    monkeypatch.setitem(app.config, "COALITION_NAME", "Configured Coalition")
    monkeypatch.setitem(app.config, "COALITION_EMAIL", "hello@configured.example.org")
    with app.app_context():
        found = coalition_of(session, campaign.id)
    assert (found.name, found.contact_email) == (
        "Configured Coalition",
        "hello@configured.example.org",
    )


def test_email_comes_from_the_coalition_and_answers_to_its_contact(
    client, session, app, smtp_server, worker_sessions
):
    _set_instance(session, app)
    letter = make_letter(session)
    session.commit()
    sign(client, letter)
    # someone else signs again for the same organization: the same email a new signer
    # gets (nothing about the first sign-on, issue 16.2), still from the coalition
    sign(client, letter, signer_email="bo@example.org")
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    sender = "Campaign Mailer <letters@mail.example.org>"
    assert deliver_due(worker_sessions, transport, sender) == (3, 0)
    for message in smtp_server.messages:
        assert message["From"].addresses[0].display_name == NAME
        assert message["From"].addresses[0].addr_spec == "letters@mail.example.org"
        assert str(message["Reply-To"]) == CONTACT
    other = next(m for m in smtp_server.messages if m["To"] == "bo@example.org")
    body = " ".join(other.get_content().split())
    assert f"{NAME} Questions? Reply to this email or write to {CONTACT}." in body
    assert "contact the coalition" not in body


def test_mail_without_a_coalition_name_keeps_mail_from_as_it_is(
    session, smtp_server, worker_sessions
):
    from campaign.mail.services import enqueue

    enqueue(session, to="a@example.org", subject="Hi", body_text="Hello")
    session.commit()
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "campaign@example.org") == (1, 0)
    assert smtp_server.messages[0]["From"] == "campaign@example.org"
    assert smtp_server.messages[0]["Reply-To"] is None


def test_a_line_break_in_the_name_cannot_add_a_header(session, smtp_server, worker_sessions):
    from campaign.mail.services import enqueue

    enqueue(
        session, to="a@example.org", subject="Hi", body_text="Hello",
        from_name="Evil\r\nBcc: victim@example.org", reply_to="x@example.org\nBcc: v@example.org",
    )  # fmt: skip
    session.commit()
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "campaign@example.org") == (1, 0)
    assert smtp_server.messages[0]["Bcc"] is None


def test_the_unsubscribe_page_names_the_coalition(client, session, app):
    from campaign.directory.models import Contact

    _set_instance(session, app)
    contact = Contact(name="Li Wei", email="li@example.org", title="")
    session.add(contact)
    session.commit()
    from campaign.directory.invitations import UNSUBSCRIBE_SALT, serializer

    token = serializer(app.secret_key, UNSUBSCRIBE_SALT).dumps(contact.id)
    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert f"{NAME} will not invite you" in page
    assert f'href="mailto:{CONTACT}"' in page and ">Log in</a>" not in page


@needs_poppler
def test_the_letter_prints_the_coalition_letterhead_and_contact(session, app, tmp_path):
    _set_instance(session, app, logo=png((120, 40)))
    letter = make_letter(session)
    letter.sender = ""
    session.commit()
    snapshot = snapshot_for(session, letter, on=date(2026, 5, 18))
    assert (snapshot.letterhead, snapshot.contact, snapshot.sender) == (NAME, CONTACT, NAME)
    assert snapshot.logo_sha256 == session.get(CoalitionSettings, 1).logo_sha256
    store = UploadStore(app.config["UPLOAD_DIR"])
    pdf = render_pdf(snapshot, static_dir=STATIC, upload_store=store)
    head = squash(pdftotext(pdf, tmp_path)[:400])
    assert squash(NAME) in head and squash(CONTACT) in head
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
    docx = render_docx(snapshot, upload_store=store)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode()
        assert NAME in xml and CONTACT in xml
        assert any(n.startswith("word/media/") for n in archive.namelist())


def test_a_letter_without_a_sender_line_is_signed_by_the_coalition(client, session, app):
    _set_instance(session, app)
    letter = make_letter(session)
    letter.sender = ""
    session.commit()
    html = client.get(f"/sign/{letter.slug}").get_data(as_text=True)
    assert f'<p class="fw-semibold" id="signature">{NAME}</p>' in html
    assert snapshot_for(session, letter).sender == NAME
