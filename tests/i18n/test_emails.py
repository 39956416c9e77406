"""A signer's and an invitee's mail is in their language, whoever's request sends it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.i18n import COOKIE
from campaign.signons.models import SignOn
from tests.directory.factories import linked_signon
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.signons.helpers import link_in, outbox, path_of, sign


def _mails(session, to):
    return [m for m in outbox(session) if m.to_addr == to]


def _spanish_browser(client):
    client.set_cookie(COOKIE, "es", domain="campaign.test")
    return client


def test_a_spanish_signer_gets_spanish_mail_and_an_english_one_english(client, session, app):
    letter = make_letter(session, title="End 287(g)")
    sign(_spanish_browser(client), letter, org_name="Unidos", signer_email="es@example.org")
    client.set_cookie(COOKIE, "en", domain="campaign.test")
    sign(client, letter, org_name="Together", signer_email="en@example.org")

    signons = {s.signer_email: s for s in session.scalars(sa.select(SignOn))}
    assert signons["es@example.org"].language == "es"
    assert signons["en@example.org"].language == "en"
    [spanish] = _mails(session, "es@example.org")
    assert spanish.subject == "Confirme su firma: End 287(g)"
    assert spanish.body_text.startswith("Hola:")
    assert "Gracias por firmar «End 287(g)» en nombre de Unidos." in spanish.body_text
    assert "Please" not in spanish.body_text and "Hello" not in spanish.body_text
    # its link opens the confirmation page in Spanish, whatever the browser
    link = link_in(spanish.body_text)
    assert link.endswith("?lang=es")
    client.delete_cookie(COOKIE, domain="campaign.test")
    page = client.get(path_of(link), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es">' in page and "Confirmar</button>" in page
    [english] = _mails(session, "en@example.org")
    assert english.subject == "Please confirm your sign-on: End 287(g)"
    assert english.body_text.startswith("Hello,") and "?lang=" not in english.body_text


def test_mail_sent_later_follows_the_signon_not_the_request(client, session, login_as):
    """A coordinator's English request asks a Spanish signer to re-confirm: in Spanish."""
    letter = make_letter(session)
    sign(_spanish_browser(client), letter, org_name="Unidos", signer_email="es@example.org")
    client.post(path_of(link_in(_mails(session, "es@example.org")[-1].body_text)))
    coordinator = login_as("coordinator")
    from campaign.campaigns.models import Campaign

    slug = session.get(Campaign, letter.campaign_id).slug
    letter = reload(session, letter)
    local = letter.deadline_local
    edit = coordinator.post(
        f"/campaigns/{slug}/letters/{letter.id}/edit",
        data={
            "title": letter.title, "addressees": letter.addressees, "body": "A new text.",
            "closing": letter.closing, "sender": letter.sender,
            "deadline_on": local.strftime("%Y-%m-%d"), "deadline_time": local.strftime("%H:%M"),
            "deadline_tz": letter.deadline_tz, "material": "y",
        },
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    assert edit.status_code == 302
    asked = coordinator.post(f"/campaigns/{slug}/letters/{letter.id}/reconfirm", data={})
    assert asked.status_code == 302
    mail = _mails(session, "es@example.org")[-1]
    assert mail.subject.startswith("La carta cambió: vuelva a confirmar su firma")
    assert "Lea el texto nuevo y confirme que su organización todavía la firma:" in mail.body_text

    # someone signing again for it in English: the reminder is still the signer's Spanish
    other = make_letter(session)
    sign(client, other, org_name="Unidos", signer_email="es2@example.org")  # es cookie
    client.set_cookie(COOKIE, "en", domain="campaign.test")
    sign(client, other, org_name="Unidos", signer_email="es2@example.org")
    again = _mails(session, "es2@example.org")
    assert len(again) == 2 and again[-1].body_text.startswith("Hola:")
    assert "todavía no está confirmada" in again[-1].body_text


def test_an_invitation_is_in_the_contacts_last_language(login_as, session):
    old = make_letter(session, title="Old letter")
    new = make_letter(session, title="New letter")
    linked_signon(session, old, org_name="Org Alpha", signer_email="a@alpha.org", language="es")
    linked_signon(session, old, org_name="Org Beta", state="CA", signer_email="b@beta.org")
    coordinator = login_as("coordinator")
    data = {"letter_id": new.id, "scope": "signed", "signed_letter_id": old.id}
    page = coordinator.post("/directory/invite", data=data).get_data(as_text=True)
    count = re.search(r'name="confirm" value="(\d+)"', page).group(1)
    assert coordinator.post("/directory/invite", data={**data, "confirm": count}).status_code == 302

    [spanish] = _mails(session, "a@alpha.org")
    assert spanish.subject == "¿Firmará Org Alpha? New letter"
    assert "Lea la carta y fírmela en nombre de Org Alpha aquí" in spanish.body_text
    assert "El plazo para firmar termina el " in spanish.body_text
    links = re.findall(r"https?://\S+", spanish.body_text)
    assert all(link.endswith("lang=es") for link in links), links
    [english] = _mails(session, "b@beta.org")
    assert english.subject == "Will Org Beta sign? New letter"
    assert "Sign-on closes " in english.body_text and "lang=" not in english.body_text
