"""Demo data for a local run: accounts, a campaign, ICE's agencies (each step idempotent)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from campaign.auth.models import Role, User
from campaign.auth.services import create_user, find_user_by_email
from campaign.campaigns.models import Campaign
from campaign.campaigns.services import create_campaign
from campaign.demands.demo import load_demands_demo
from campaign.letters.demo import load_letter_demo

DEMO_ADMIN = "admin@example.org"
DEMO_PEOPLE = [
    ("coordinator@example.org", "Casey Coordinator", Role.COORDINATOR),
    ("member@example.org", "Morgan Member", Role.MEMBER),
]


@dataclass
class Login:
    """The demo admin's credentials, printed by ``make run``."""

    email: str
    password: str


def _demo_password(instance: Path) -> str:
    # One random password per installation, kept so that every run prints the same login.
    path = instance / "demo_password"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load_demo(session: Session, instance: Path) -> Login:
    """Create the demo accounts and campaign unless they exist."""
    password = _demo_password(instance)
    admin = find_user_by_email(session, DEMO_ADMIN)
    if admin is None:
        admin = create_user(
            session, email=DEMO_ADMIN, name="Demo Admin", password=password, role=Role.ADMIN
        )
    for email, name, role in DEMO_PEOPLE:
        if find_user_by_email(session, email) is None:
            create_user(session, email=email, name=name, password=password, role=role, actor=admin)
    campaign = session.scalar(sa.select(Campaign).where(Campaign.slug == "end-287g"))
    if campaign is None:
        campaign = create_campaign(
            session,
            name="End 287(g)",
            slug="end-287g",
            description=(
                "More than 100 organizations urge the Secretary of Homeland Security to end the "
                "287(g) program and, at minimum, to terminate the agreements of agencies with "
                "records of racial profiling."
            ),
            actor=admin,
        )
    session.flush()
    from campaign.campaigns.demo import load_coalition_demo

    load_coalition_demo(session, actor=admin, upload_dir=_upload_dir(instance))
    from campaign.agencies.demo import load_agencies_demo

    load_agencies_demo(session, actor=admin)
    load_letter_demo(session, campaign, admin)
    load_demands_demo(
        session,
        actor=admin,
        member=find_user_by_email(session, "member@example.org"),
        upload_dir=_upload_dir(instance),
    )
    from campaign.directory.demo import load_directory_demo

    load_directory_demo(session)
    from campaign.targets.demo import load_targets_demo

    load_targets_demo(session, actor=admin)
    return Login(email=DEMO_ADMIN, password=password)


def _upload_dir(instance: Path) -> Path:
    # the configured upload folder when run as a Flask command, else the default one
    if has_app_context():
        return Path(current_app.config["UPLOAD_DIR"])
    return instance / "uploads"


__all__ = ["DEMO_ADMIN", "Login", "User", "load_demo"]
