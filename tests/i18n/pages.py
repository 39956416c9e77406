"""Every public page in every state it can be in, rendered through HTTP for one visitor.

`walk()` drives the states the way people reach them (a coordinator opens, edits,
delivers, invites; a signer signs and confirms) and yields (state, html) pairs. The
visitor's language is whatever the client's cookie says. The letter's own words (title,
text, names) are DATA: they are the coalition's, never translated by the app.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa

from campaign.campaigns.coalition import coalition_of
from campaign.db import utcnow
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOn
from tests.delivery.factories import add_signon, delivery_form, send, url
from tests.directory.factories import linked_signon
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.signons.helpers import form, link_in, path_of, sign

# Words of the coalition's own content in these pages (not the app's): Spanish-looking data,
# so that anything English left on a page is the app's.
TITLE = "Carta Zeta"
DATA = [
    TITLE,
    "Secretario Zeta",
    "Texto Zeta de la carta.",
    "Atentamente,",
    "Coalición Zeta",
    "Organización Alfa",
    "Organización Beta",
    "Organización Callada",
    "Organización Nacional",
    "Organización Nueva",
    "Ana Zeta",
    "Directora",
    "Austin",
]


def _letter(session, **kw):
    letter = make_letter(session, title=TITLE, body="Texto Zeta de la carta.", **kw)
    letter.addressees = "Secretario Zeta"
    letter.closing = "Atentamente,"
    letter.sender = "Coalición Zeta"
    letter.show_signatories = True
    session.commit()
    return letter


def _outbox(session, to: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.to_addr == to).order_by(OutboxMessage.id)
        )
    )


def _edit(coordinator, session, letter, body: str) -> None:
    from campaign.campaigns.models import Campaign

    letter = reload(session, letter)
    local = letter.deadline_local
    slug = session.get(Campaign, letter.campaign_id).slug
    response = coordinator.post(
        f"/campaigns/{slug}/letters/{letter.id}/edit",
        data={
            "title": letter.title,
            "addressees": letter.addressees,
            "body": body,
            "closing": letter.closing,
            "sender": letter.sender,
            "deadline_on": local.strftime("%Y-%m-%d"),
            "deadline_time": local.strftime("%H:%M"),
            "deadline_tz": letter.deadline_tz,
            "material": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def data_strings(session, letter) -> list[str]:
    """DATA, and the coalition's name and address as the pages show them."""
    from campaign.campaigns.models import Campaign

    coalition = coalition_of(session, letter.campaign_id)
    campaigns = session.scalars(sa.select(Campaign.name)).all()
    return [*DATA, *campaigns, coalition.name, coalition.contact_email or ""]


def walk(client, session, login_as) -> Iterator[tuple[str, str]]:
    """(state, html) for every public page state; ``client`` is the visitor."""

    def page(state, response, status=200):
        assert response.status_code == status, (state, response.status_code)
        return state, response.get_data(as_text=True)

    letter = _letter(session)
    add_signon(session, letter, "Organización Alfa", state="NM", city="Austin")
    add_signon(session, letter, "Organización Nacional", level="national")
    add_signon(session, letter, "Organización Callada", listed=False, state="NC")
    sign_url = f"/sign/{letter.slug}"
    yield page("sign: open, signatories listed", client.get(sign_url))

    # every kind of mistake the form can refuse
    yield page(
        "sign: empty form",
        client.post(sign_url, data={}, content_type="multipart/form-data"),
        400,
    )
    bad = form(
        org_name="x" * 301,
        level="local",
        state="ZZ",
        website="not a url",
        signer_email="not-an-email",
        authorized=None,
        listing=None,
        signer_name="",
        signer_title="",
    )
    bad["logo"] = (io.BytesIO(b"not an image"), "logo.png")
    yield page(
        "sign: every field wrong",
        client.post(sign_url, data=bad, content_type="multipart/form-data"),
        400,
    )
    yield page(
        "sign: local without a state",
        sign(client, letter, level="local", state="", org_name="Organización Nueva"),
        400,
    )
    empty = form(org_name="Organización Nueva", signer_email="nueva@example.org")
    empty["logo"] = (io.BytesIO(b""), "empty.png")
    yield page(
        "sign: empty logo",
        client.post(sign_url, data=empty, content_type="multipart/form-data"),
        400,
    )

    # a sign-on, its thanks page and its confirmation link in each state
    response = sign(
        client,
        letter,
        org_name="Organización Beta",
        signer_name="Ana Zeta",
        signer_title="Directora",
        signer_email="beta@example.org",
    )
    assert response.status_code == 302
    yield page("thanks", client.get(response.headers["Location"]))
    confirm = path_of(link_in(_outbox(session, "beta@example.org")[-1].body_text))
    yield page("confirm: to confirm", client.get(confirm))
    path, _, query = confirm.partition("?")
    yield page("confirm: invalid link", client.get(f"{path}x?{query}"), 404)
    done = client.post(confirm)
    assert done.status_code == 302
    yield page("confirm: confirmed (with its notice)", client.get(confirm))

    # a material edit: the confirmed signer is asked to re-confirm
    coordinator = login_as("coordinator")
    _edit(coordinator, session, letter, "Texto Zeta de la carta.\n\nSegundo párrafo Zeta.")
    DATA.append("Segundo párrafo Zeta.")
    slug_campaign = url(letter).split("/")[2]
    reconfirm = coordinator.post(
        f"/campaigns/{slug_campaign}/letters/{letter.id}/reconfirm", data={}
    )
    assert reconfirm.status_code in (302, 303), reconfirm.status_code
    reconfirm_link = path_of(link_in(_outbox(session, "beta@example.org")[-1].body_text))
    yield page("confirm: re-confirm on the new text", client.get(reconfirm_link))

    # an expired link, and asking for a new one
    signon = session.scalar(sa.select(SignOn).where(SignOn.signer_email == "beta@example.org"))
    session.execute(
        sa.text("UPDATE sign_on_links SET expires_at = :t WHERE sign_on_id = :id"),
        {"t": utcnow() - timedelta(minutes=1), "id": signon.id},
    )
    signon.token_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    yield page("confirm: expired link", client.get(reconfirm_link))
    path, _, query = reconfirm_link.partition("?")
    yield page("resent: a new link is on its way", client.post(f"{path}/resend?{query}"))

    # an invitation: the prefilled form, and its unsubscribe page
    old = _letter(session)
    linked_signon(session, old, org_name="Organización Alfa", signer_email="alfa@example.org")
    data = {"letter_id": letter.id, "scope": "signed", "signed_letter_id": old.id}
    asked = coordinator.post("/directory/invite", data=data)
    count = re.search(r'name="confirm" value="(\d+)"', asked.get_data(as_text=True)).group(1)
    assert coordinator.post("/directory/invite", data={**data, "confirm": count}).status_code == 302
    invitation = _outbox(session, "alfa@example.org")[-1].body_text
    links = re.findall(r"https?://\S+", invitation)
    invite = next(link for link in links if "invite=" in link)
    unsubscribe = next(link for link in links if "/unsubscribe/" in link)
    yield page("sign: invitation prefilled", client.get(path_of(invite)))
    yield page("unsubscribe: to confirm", client.get(path_of(unsubscribe)))
    response = client.post(path_of(unsubscribe))
    yield page(
        "unsubscribe: done",
        response if response.status_code == 200 else client.get(path_of(unsubscribe)),
    )

    # closed: the page, and a link that can no longer confirm
    closed = _letter(session)
    sign(client, closed, org_name="Organización Nueva", signer_email="cerrada@example.org")
    closing_link = path_of(link_in(_outbox(session, "cerrada@example.org")[-1].body_text))
    from campaign.letters.models import LetterStatus
    from campaign.letters.services import change_status

    change_status(session, reload(session, closed), LetterStatus.CLOSED, actor=coordinator.user)
    session.commit()
    yield page("sign: closed", client.get(f"/sign/{closed.slug}"))
    yield page("confirm: closed letter", client.get(closing_link))

    # delivered: still collecting for an addendum, then no longer
    response = send(coordinator, url(letter, "/send"), delivery_form(sent_on="2026-05-18"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    yield page("sign: delivered, collecting for an addendum", client.get(sign_url))
    assert coordinator.post(url(letter, "/stop"), data={}).status_code == 302
    yield page("sign: delivered, closed", client.get(sign_url))

    yield page("error: no such letter", client.get("/sign/no-such-letter"), 404)
