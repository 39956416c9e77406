"""What the cluster starts with: a coordinator, an open letter, letters to render, and the
signers of an earlier letter to invite (bulk inserts into the cluster's database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.cluster.harness import CREATE_USER_COMMAND, Cluster

COORDINATOR = "coordinator@cluster.test"
PASSWORD = "cluster coordinator password"
STATES = ["TX", "FL", "GA", "NC", "AZ", "CA", "NY", "IL", "WA", "PR"]


@dataclass
class Seeded:
    """Ids and slugs the scenario needs."""

    campaign_slug: str
    launch_slug: str
    launch_id: int
    render_ids: list[int]
    earlier_id: int


def seed(cluster: Cluster, *, render_letters: int, render_names: int, invitees: int) -> Seeded:
    """Create the coordinator with ``flask create-user`` (as README says), then the rest."""
    import campaign.models  # every table, for the foreign keys
    from campaign.auth.models import User
    from campaign.campaigns.services import create_campaign
    from campaign.letters.models import LetterStatus
    from campaign.letters.services import change_status

    args = [a.format(email=COORDINATOR, role="coordinator") for a in CREATE_USER_COMMAND[3:]]
    cluster.flask(*args, input=PASSWORD + "\n")
    engine = cluster.engine()
    with Session(engine) as session:
        user = session.scalar(sa.select(User).where(User.email == COORDINATOR))
        campaign = create_campaign(session, name="End 287(g)", description="", actor=user)
        launch = _letter(session, campaign, user, "Launch day letter")
        renders = [
            _letter(session, campaign, user, f"Letter {i + 1}") for i in range(render_letters)
        ]
        earlier = _letter(session, campaign, user, "Earlier letter")
        session.flush()
        for i, letter in enumerate(renders):
            _signons(session, letter, render_names, prefix=f"Render {i + 1} Org")
        _signed_directory(session, earlier, invitees)
        change_status(session, earlier, LetterStatus.CLOSED, actor=user)
        session.commit()
        seeded = Seeded(
            campaign_slug=campaign.slug,
            launch_slug=launch.slug,
            launch_id=launch.id,
            render_ids=[letter.id for letter in renders],
            earlier_id=earlier.id,
        )
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()
    return seeded


def _letter(session: Session, campaign, user, title: str):
    from campaign.letters.models import LetterStatus
    from campaign.letters.services import change_status, create_letter

    letter = create_letter(
        session, campaign, title=title, addressees="The Secretary of Homeland Security",
        body="End the 287(g) program.", closing="Sincerely,", sender="The coalition",
        deadline_on=date.today() + timedelta(days=30), deadline_time=time(17, 0),
        deadline_tz="UTC", actor=user,
    )  # fmt: skip
    change_status(session, letter, LetterStatus.OPEN, actor=user)
    return letter


def _rows(letter, n: int, prefix: str) -> list[dict]:
    from campaign.core.names import org_key
    from campaign.db import utcnow
    from campaign.letters.services import current_version
    from campaign.signons.models import Level, SignOnStatus

    session = Session.object_session(letter)
    version = current_version(session, letter).id
    now = utcnow()
    rows = []
    for i in range(n):
        name = f"{prefix} {i}"
        rows.append({
            "letter_id": letter.id, "version_id": version, "org_name": name,
            "org_key": org_key(name), "level": Level.STATE, "state": STATES[i % 10],
            "city": "Springfield", "signer_name": f"Signer {i}", "signer_title": "Director",
            "signer_email": f"{prefix.lower().replace(' ', '.')}.{i}@example.org",
            "authorized": True, "status": SignOnStatus.APPROVED, "confirmed_at": now,
            "created_at": now,
        })  # fmt: skip
    return rows


def _signons(session: Session, letter, n: int, prefix: str) -> None:
    from campaign.signons.models import SignOn

    session.execute(sa.insert(SignOn), _rows(letter, n, prefix))


def _signed_directory(session: Session, letter, n: int) -> None:
    """``n`` organizations, each with one contact, that signed ``letter``."""
    from campaign.directory.models import Contact, Organization, organization_contacts
    from campaign.signons.models import SignOn

    rows = _rows(letter, n, "Earlier Org")
    org_ids = session.scalars(
        sa.insert(Organization).returning(Organization.id, sort_by_parameter_order=True),
        [{"name": r["org_name"], "key": r["org_key"], "level": r["level"], "state": r["state"]}
         for r in rows],
    ).all()  # fmt: skip
    contact_ids = session.scalars(
        sa.insert(Contact).returning(Contact.id, sort_by_parameter_order=True),
        [{"name": r["signer_name"], "title": "Director", "email": r["signer_email"]} for r in rows],
    ).all()
    session.execute(
        sa.insert(organization_contacts),
        [
            {"organization_id": o, "contact_id": c}
            for o, c in zip(org_ids, contact_ids, strict=True)
        ],
    )
    for row, org_id, contact_id in zip(rows, org_ids, contact_ids, strict=True):
        row["organization_id"], row["contact_id"] = org_id, contact_id
    session.execute(sa.insert(SignOn), rows)
