"""Seeding and talking to a sign-on server (the server itself: tests/servers.py)."""

from __future__ import annotations

import re

import httpx

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version_id" type="hidden" value="(\d+)"')


def seed_letter(database_url: str) -> str:
    """An open letter (and its campaign and coordinator) in a fresh database; returns its slug."""
    from datetime import date, time, timedelta

    from sqlalchemy.orm import Session

    from campaign.auth.models import Role
    from campaign.auth.services import create_user
    from campaign.campaigns.services import create_campaign
    from campaign.db import make_engine
    from campaign.letters.models import LetterStatus
    from campaign.letters.services import change_status, create_letter
    from campaign.migrate import upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = create_user(
            session,
            email="c@example.org",
            name="C",
            password="signons server password",
            role=Role.COORDINATOR,
        )
        campaign = create_campaign(session, name="Load", description="", actor=user)
        letter = create_letter(
            session, campaign, title="Load test letter", addressees="DHS", body="End 287(g).",
            closing="", sender="", deadline_on=date.today() + timedelta(days=30),
            deadline_time=time(17, 0), deadline_tz="UTC", actor=user,
        )  # fmt: skip
        change_status(session, letter, LetterStatus.OPEN, actor=user)
        session.commit()
        slug = letter.slug
    engine.dispose()
    return slug


def form_session(client: httpx.Client, slug: str) -> tuple[str, str]:
    """GET the public page: the CSRF token (tied to the cookie now in ``client``) and version."""
    page = client.get(f"/sign/{slug}").text
    return CSRF.search(page).group(1), VERSION.search(page).group(1)
