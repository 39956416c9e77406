"""Helpers for review tests."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign


def base(session, letter) -> str:
    """The sign-on list URL of a letter."""
    slug = session.get(Campaign, letter.campaign_id).slug
    return f"/campaigns/{slug}/letters/{letter.id}/signons"


def events(session, action: str, entity_id: int | None = None) -> list[AuditEvent]:
    """Audit events with this action (and entity id), oldest first."""
    session.expire_all()
    q = sa.select(AuditEvent).where(AuditEvent.action == action)
    if entity_id is not None:
        q = q.where(AuditEvent.entity_id == entity_id)
    return list(session.scalars(q.order_by(AuditEvent.id)))
