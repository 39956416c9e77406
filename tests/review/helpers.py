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


def bulk_approve(client, url: str, **data):
    """A bulk approval's two steps: the page saying what it will do, then its own POST
    (with the counts it showed, and the flagged ones ticked in ``data``)."""
    import re

    first = client.post(url, data=data)
    assert first.status_code == 200, first.get_data(as_text=True)[:1000]
    shown = dict(
        re.findall(
            r'<input type="hidden" name="(expected(?:_flagged)?)" value="([^"]*)"',
            first.get_data(as_text=True),
        )
    )
    return client.post(url, data={**data, **shown, "confirmed": "1"})
