"""Delivering webhooks, by the worker: claim one due delivery (``SKIP LOCKED`` on
PostgreSQL, SQLite's write lock otherwise) and push its lease forward, send it outside any
transaction, then record what happened. Several workers never send the same one at once;
one that dies mid-send leaves it to be sent again after the lease (receivers deduplicate
by ``idempotency_key``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from campaign.db import utcnow, write_intent
from campaign.webhooks import sender
from campaign.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

log = logging.getLogger("campaign.webhooks")

MAX_BACKOFF = timedelta(hours=2)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min… capped at two hours."""
    return min(timedelta(seconds=30 * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


@dataclass(frozen=True)
class Settings:
    """The worker's webhook settings (from the app's config)."""

    timeout: float = 10.0
    retry_for: timedelta = timedelta(hours=24)
    pause_after: int = 20
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: dict) -> Settings:
        return cls(
            timeout=float(config["WEBHOOK_TIMEOUT"]),
            retry_for=timedelta(hours=float(config["WEBHOOK_RETRY_HOURS"])),
            pause_after=int(config["WEBHOOK_PAUSE_AFTER"]),
            allow_private=bool(config["WEBHOOK_ALLOW_PRIVATE"])
            or config.get("ENV") != "production",
        )

    @property
    def lease(self) -> timedelta:
        # long enough for the POST and its recording; a dead worker's claim ends after it
        return timedelta(seconds=self.timeout * 3 + 30)


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery, as plain values (sent outside any transaction)."""

    id: int
    subscription_id: int
    url: str
    secret: str
    event: str
    idempotency_key: str
    body: bytes


def _claim(session: Session, now: datetime, lease: timedelta) -> Claimed | None:
    row = session.execute(
        sa.select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.done_at.is_(None),
            WebhookDelivery.next_attempt_at <= now,
            WebhookSubscription.paused_at.is_(None),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    ).first()
    if row is None:
        return None
    delivery, sub = row
    delivery.next_attempt_at = now + lease
    delivery.attempts += 1
    return Claimed(
        delivery.id, sub.id, sub.url, sub.secret, delivery.event, delivery.idempotency_key,
        delivery.body.encode("utf-8"),
    )  # fmt: skip


def _record(
    session: Session, claimed: Claimed, outcome: sender.Outcome, now: datetime, settings: Settings
) -> None:
    delivery = session.get(WebhookDelivery, claimed.id, with_for_update=True)
    sub = session.get(WebhookSubscription, claimed.subscription_id, with_for_update=True)
    if delivery is None or sub is None:  # the subscription was deleted meanwhile
        return
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id, at=now, status_code=outcome.status,
            duration_ms=outcome.duration_ms, error=outcome.error,
        )
    )  # fmt: skip
    delivery.last_status, delivery.last_error = outcome.status, outcome.error
    if outcome.ok:
        delivery.done_at, delivery.delivered = now, True
        sub.consecutive_failures = 0
        return
    sub.consecutive_failures += 1
    if now - delivery.created_at >= settings.retry_for:
        delivery.done_at = now  # failed for good
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    if sub.consecutive_failures >= settings.pause_after and sub.paused_at is None:
        sub.paused_at = now
        log.warning(
            "Webhook subscription %s paused after %s failures", sub.id, sub.consecutive_failures
        )


def deliver_due(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    limit: int = 50,
    clock: Callable[[], datetime] = utcnow,
    stopping: Callable[[], bool] = lambda: False,
) -> tuple[int, int]:
    """Send up to ``limit`` due deliveries; returns (delivered, failed attempts)."""
    delivered = failed = 0
    token = write_intent.set(True)
    try:
        for _ in range(limit):
            if stopping():
                break
            with session_factory() as session, session.begin():
                claimed = _claim(session, clock(), settings.lease)
            if claimed is None:
                break
            outcome = sender.post(
                claimed.url, claimed.body, secret=claimed.secret, event=claimed.event,
                delivery_id=claimed.id, idempotency_key=claimed.idempotency_key,
                allow_private=settings.allow_private, timeout=settings.timeout,
            )  # fmt: skip
            with session_factory() as session, session.begin():
                _record(session, claimed, outcome, clock(), settings)
            if outcome.ok:
                delivered += 1
            else:
                failed += 1
                log.warning("Webhook %s to %s failed: %s %s", claimed.id, claimed.url,
                            outcome.status, outcome.error)  # fmt: skip
    finally:
        write_intent.reset(token)
    return delivered, failed
