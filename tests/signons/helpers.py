"""Helpers for sign-on tests."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOn

LINK = re.compile(r"https?://\S+/confirm/\S+")


def form(**kw) -> dict:
    """A valid public sign-on form."""
    data = {
        "org_name": "Immigrant Rights Coalition",
        "level": "state",
        "state": "TX",
        "city": "Austin",
        "website": "irc.example.org",
        "signer_name": "Ana Pérez",
        "signer_title": "Director",
        "signer_email": "ana@example.org",
        "authorized": "y",
        "authority": "executive",
        "listing": "list",
        "comment": "",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def sign(client, letter, **kw):
    """POST the public form."""
    return client.post(f"/sign/{letter.slug}", data=form(**kw), content_type="multipart/form-data")


def sign_and_confirm(client, session, letter, **kw):
    """POST the public form, then confirm from the link the signer was emailed."""
    response = sign(client, letter, **kw)
    email = kw.get("signer_email", form()["signer_email"])
    mail = [m for m in outbox(session) if m.to_addr == email][-1]
    confirmed = client.post(path_of(link_in(mail.body_text)))
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)
    return response


def signons(session, letter) -> list[SignOn]:
    session.expire_all()
    return list(
        session.scalars(sa.select(SignOn).where(SignOn.letter_id == letter.id).order_by(SignOn.id))
    )


def outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_in(text: str) -> str:
    return LINK.search(text).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def png(size=(4, 4)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()
