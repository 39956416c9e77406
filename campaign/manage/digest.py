"""The coordinators' daily digest of what signers changed through their manage links.

One email per campaign and day (the coalition's calendar, CAMPAIGN_TIMEZONE), sent
the day after, only when signers changed something. ``ManageDigest`` is taken with a
conditional INSERT before the mail is written: run it twice, from two workers, after
a restart, the digest goes once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.models import AuditEvent
from campaign.auth.models import Role, User
from campaign.campaigns.models import Campaign
from campaign.core.clock import coalition_zone, local_today
from campaign.core.urls import external_url
from campaign.db import insert_ignoring_conflicts, utcnow
from campaign.letters.models import Letter
from campaign.mail import services as outbox
from campaign.manage.models import ManageDigest
from campaign.signons.models import SignOn

# what a digest reports (a new link asked for changes nothing)
REPORTED = ("signon.manage.correction", "signon.manage.withdraw", "signon.manage.contact")
_WORDS = {
    "signon.manage.correction": "asked to correct",
    "signon.manage.withdraw": "withdrew",
    "signon.manage.contact": "added a contact",
}


def _bounds(day: date) -> tuple[datetime, datetime]:
    zone = coalition_zone()
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(day + timedelta(days=1), time.min, zone)
    return start, end


def _line(org_name: str, event: AuditEvent) -> str:
    details = event.details or {}
    line = f"{org_name} {_WORDS[event.action]}"
    if event.action == "signon.manage.correction":
        field = details.get("field", "").replace("_", " ")
        line += f" {field}: “{details.get('old', '')}” → “{details.get('new', '')}”"
    elif event.action == "signon.manage.withdraw" and details.get("delivered_on"):
        line += f" (delivered on {details['delivered_on']}: for the next addendum)"
    return line


def send_digests(session: Session, *, now: datetime | None = None) -> int:
    """Send yesterday's digest of each campaign with changes that has none yet; returns
    how many were sent."""
    now = now or utcnow()
    day = local_today(now=now) - timedelta(days=1)
    start, end = _bounds(day)
    rows = session.execute(
        sa.select(
            AuditEvent, SignOn.org_name, SignOn.id, Letter.id, Letter.title, Letter.campaign_id
        )
        .join(SignOn, SignOn.id == AuditEvent.entity_id)
        .join(Letter, Letter.id == SignOn.letter_id)
        .where(
            AuditEvent.entity == "sign_on",
            AuditEvent.action.in_(REPORTED),
            AuditEvent.at >= start,
            AuditEvent.at < end,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    by_campaign: dict[int, dict[int, dict]] = defaultdict(dict)
    for event, org_name, _signon_id, letter_id, title, campaign_id in rows:
        letter = by_campaign[campaign_id].setdefault(
            letter_id, {"id": letter_id, "title": title, "lines": []}
        )
        letter["lines"].append(_line(org_name, event))
    if not by_campaign:
        return 0
    recipients = list(
        session.scalars(
            sa.select(User.email)
            .where(User.active.is_(True), User.role.in_([Role.COORDINATOR, Role.ADMIN]))
            .order_by(User.id)
        )
    )
    sent = 0
    for campaign_id, letters in sorted(by_campaign.items()):
        changes = sum(len(letter["lines"]) for letter in letters.values())
        taken = (
            session.connection()
            .execute(
                insert_ignoring_conflicts(
                    session, ManageDigest.__table__, returning=ManageDigest.id
                ),
                {"campaign_id": campaign_id, "day": day, "changes": changes, "sent_at": now},
            )
            .scalar()
        )
        if taken is None:  # sent already (another worker, an earlier round)
            continue
        campaign = session.get(Campaign, campaign_id)
        for letter in letters.values():
            letter["url"] = external_url(
                "review.index", campaign_slug=campaign.slug, letter_id=letter["id"]
            )
        for email in recipients:
            outbox.enqueue_template(
                session,
                to=email,
                subject=f"Signers' changes on {day.isoformat()}: {campaign.name}",
                template="manage_digest",
                kind="manage.digest",
                campaign=campaign,
                day=day.isoformat(),
                letters=list(letters.values()),
            )
        sent += 1
    session.flush()
    return sent
