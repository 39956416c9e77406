"""Webhook subscriptions, their deliveries (a queue like the outbox) and each attempt."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, utcnow


class WebhookSubscription(Base):
    """A URL that receives one campaign's chosen events, signed with its secret."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    # space-separated event names (``events.EVENTS``)
    events: Mapped[str] = mapped_column(sa.String(500))
    # signs every delivery (HMAC-SHA256); shown once, when the subscription is made: kept
    # as it is, since signing needs it (a backup holds it, as it holds the secret key)
    secret: Mapped[str] = mapped_column(sa.String(100))
    # failed attempts in a row; past CAMPAIGN_WEBHOOK_PAUSE_AFTER the subscription pauses
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    paused_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def event_set(self) -> frozenset[str]:
        return frozenset(self.events.split())


class WebhookDelivery(Base):
    """One event for one subscription: its signed body is sent until a 2xx answers, with
    a growing wait between attempts, for 24 hours; then it is marked failed."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # one delivery per event per subscription, whatever retries or workers do
        sa.UniqueConstraint("subscription_id", "idempotency_key"),
        # what the worker claims next: due, not done
        sa.Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            "id",
            sqlite_where=sa.text("done_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(sa.String(40))
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    # the JSON body, exactly as sent (and signed)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # when the next attempt is due; a worker that claims it moves this past its lease, so
    # that no other worker takes it while it is being sent
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # set when it is over: delivered (a 2xx) or failed (24 hours of refusals)
    done_at: Mapped[datetime | None]
    delivered: Mapped[bool] = mapped_column(default=False)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class WebhookAttempt(Base):
    """One try at a delivery, for the subscription's delivery log."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (sa.Index("ix_webhook_attempts_delivery_id", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(sa.Text)
