"""Subscriptions: made by coordinators (their secret shown once), paused, resumed, deleted;
a test event; the delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.webhooks.destinations import check_url, resolve
from campaign.webhooks.events import EVENTS, TEST_EVENT, enqueue
from campaign.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from campaign.webhooks.signing import new_secret


def _events(chosen: list[str]) -> str:
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown or not chosen:
        raise DomainError("Choose at least one of the events listed.", field="events")
    return " ".join(e for e in EVENTS if e in chosen)


def create_subscription(
    session: Session,
    campaign: Campaign,
    *,
    url: str,
    events: list[str],
    description: str,
    actor: User,
    allow_private: bool,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (shown once). In production the URL must resolve
    to public addresses only (checked again at every delivery)."""
    url = check_url(url)
    if not allow_private:
        resolve(url, allow_private=False)
    secret = new_secret()
    sub = WebhookSubscription(
        campaign_id=campaign.id,
        url=url,
        events=_events(events),
        description=" ".join((description or "").split())[:200],
        secret=secret,
        created_by_id=actor.id,
    )
    session.add(sub)
    session.flush()
    record(session, actor, "webhook.create", "webhook_subscription", sub.id,
           campaign_id=campaign.id, url=url, events=sub.events)  # fmt: skip
    return sub, secret


def update_events(session: Session, sub: WebhookSubscription, events: list[str], *, actor: User):
    """Change the events a subscription receives."""
    sub.events = _events(events)
    session.flush()
    record(session, actor, "webhook.update", "webhook_subscription", sub.id, events=sub.events)


def resume(session: Session, sub: WebhookSubscription, *, actor: User) -> None:
    """Resume a paused subscription (its failure count starts again at zero)."""
    sub.paused_at = None
    sub.consecutive_failures = 0
    session.flush()
    record(session, actor, "webhook.resume", "webhook_subscription", sub.id)


def pause(session: Session, sub: WebhookSubscription, *, actor: User) -> None:
    """Pause a subscription by hand: nothing is queued or sent until it is resumed."""
    sub.paused_at = sub.paused_at or utcnow()
    session.flush()
    record(session, actor, "webhook.pause", "webhook_subscription", sub.id)


def delete(session: Session, sub: WebhookSubscription, *, actor: User) -> None:
    """Delete a subscription and its log."""
    record(session, actor, "webhook.delete", "webhook_subscription", sub.id, url=sub.url)
    session.delete(sub)
    session.flush()


def send_test_event(
    session: Session, sub: WebhookSubscription, *, actor: User, api_root: str
) -> None:
    """Queue a ``webhook.test`` delivery (sent by the worker like any other)."""
    if sub.paused_at is not None:
        raise DomainError("Resume the subscription first: a paused one receives nothing.")
    doc = {
        "message": "A test event: your endpoint receives this campaign's events.",
        "coalition:subscription": sub.id,
        "_links": {"self": {"href": f"{api_root}/"}},
    }
    enqueue(session, [sub.id], TEST_EVENT, "coalition:test", [doc])
    record(session, actor, "webhook.test", "webhook_subscription", sub.id)


def subscriptions(session: Session, campaign: Campaign) -> list[WebhookSubscription]:
    """A campaign's subscriptions, oldest first."""
    return list(
        session.scalars(
            sa.select(WebhookSubscription)
            .where(WebhookSubscription.campaign_id == campaign.id)
            .order_by(WebhookSubscription.id)
        )
    )


@dataclass(frozen=True)
class LogLine:
    """One attempt of one delivery, for the log."""

    delivery_id: int
    event: str
    at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    attempt_of: int
    done: str  # "delivered", "failed", "retrying"


def delivery_log(session: Session, sub: WebhookSubscription, limit: int = 100) -> list[LogLine]:
    """The subscription's latest attempts, newest first."""
    rows = session.execute(
        sa.select(WebhookAttempt, WebhookDelivery)
        .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
        .where(WebhookDelivery.subscription_id == sub.id)
        .order_by(WebhookAttempt.id.desc())
        .limit(limit)
    ).all()
    return [
        LogLine(
            d.id,
            d.event,
            a.at,
            a.status_code,
            a.duration_ms,
            a.error,
            d.attempts,
            "delivered" if d.delivered else "failed" if d.done_at else "retrying",
        )
        for a, d in rows
    ]


def waiting(session: Session, sub: WebhookSubscription) -> int:
    """Deliveries not yet done."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == sub.id, WebhookDelivery.done_at.is_(None))
        )
        or 0
    )
