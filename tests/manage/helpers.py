"""Helpers for manage-link tests."""

from __future__ import annotations

import re

from tests.signons.helpers import outbox, path_of, sign_and_confirm, signons

MANAGE = re.compile(r"https?://\S+/manage/\S+")


def manage_path(session, email: str) -> str:
    """The path of the newest manage link mailed to ``email``."""
    mails = [m for m in outbox(session) if m.to_addr == email and MANAGE.search(m.body_text)]
    return path_of(MANAGE.search(mails[-1].body_text).group(0))


def signed(client, session, letter, **kw):
    """Sign and confirm on the public page; the sign-on's id and its manage path (an id:
    objects loaded before a request are detached after it)."""
    sign_and_confirm(client, session, letter, **kw)
    email = kw.get("signer_email", "ana@example.org")
    signon = next(s for s in signons(session, letter) if s.signer_email == email)
    return signon.id, manage_path(session, email)


def get(session, signon_id: int):
    """The sign-on as it is now."""
    from campaign.signons.models import SignOn

    session.expire_all()
    return session.get(SignOn, signon_id)
