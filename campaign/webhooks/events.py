"""The events a subscription may choose, and queueing them: one delivery per event per
subscription, its body the API's own representation in an OSDI-like envelope, written
in the transaction that made the event (so a rolled-back change sends nothing)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.api.representations import Links, iso
from campaign.db import utcnow
from campaign.webhooks.models import WebhookDelivery, WebhookSubscription

EVENTS: dict[str, str] = {
    "signature.confirmed": "A signer confirmed a sign-on by email (or a coordinator's API "
    "token recorded it confirmed)",
    "signature.approved": "A coordinator approved a sign-on (or the letter approves them "
    "as they are confirmed)",
    "signature.withdrawn": "A sign-on was taken off the letter at the organization's request",
    "petition.delivered": "A letter was marked as sent",
    "demand.status_changed": "A demand moved along its lifecycle",
    "response.approved": "A coordinator approved an agency's or DHS's response",
}
TEST_EVENT = "webhook.test"


def envelope(event: str, rel: str, doc: dict[str, Any], key: str, now: datetime) -> str:
    """The body: an array of one item, as Action Network's webhooks send them."""
    item = {"idempotency_key": key, "coalition:event": event, "created_date": iso(now), rel: doc}
    return json.dumps([item], ensure_ascii=False, separators=(",", ":"))


def listeners(session: Session, campaign_id: int, event: str) -> list[int]:
    """Ids of the campaign's running (not paused) subscriptions to ``event``."""
    rows = session.execute(
        sa.select(WebhookSubscription.id, WebhookSubscription.events).where(
            WebhookSubscription.campaign_id == campaign_id,
            WebhookSubscription.paused_at.is_(None),
        )
    ).all()
    return [row_id for row_id, events in rows if event in events.split()]


def enqueue(
    session: Session,
    subscription_ids: Sequence[int],
    event: str,
    rel: str,
    docs: Sequence[dict[str, Any]],
    now: datetime | None = None,
) -> int:
    """Queue one delivery of each doc for each subscription; how many were queued."""
    now = now or utcnow()
    rows = []
    for doc in docs:
        key = uuid.uuid4().hex  # the same event carries the same key to every subscriber
        body = envelope(event, rel, doc, key, now)
        rows += [
            {"subscription_id": sub_id, "event": event, "idempotency_key": key, "body": body,
             "created_at": now, "next_attempt_at": now, "attempts": 0, "delivered": False}
            for sub_id in subscription_ids
        ]  # fmt: skip
    if rows:
        session.execute(sa.insert(WebhookDelivery), rows)
    return len(rows)


def links_for_payloads() -> Links:
    """Absolute links in payloads, on CAMPAIGN_BASE_URL (as the API's own)."""
    from campaign.api.respond import links

    return links()
