"""Creating and editing campaigns."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.errors import Conflict
from campaign.core.text import slugify, unique_slug
from campaign.db import utcnow


def create_campaign(
    session: Session, *, name: str, description: str, actor: User, slug: str | None = None
) -> Campaign:
    """Create a campaign with a unique slug derived from its name unless one is given."""
    wanted = slugify(slug or name)
    if slug and session.scalar(sa.select(Campaign.id).where(Campaign.slug == wanted)):
        raise Conflict("Another campaign already uses this address.", field="slug")
    campaign = Campaign(
        name=name.strip(),
        description=description.strip(),
        slug=unique_slug(session, Campaign.slug, wanted),
        created_by_id=actor.id,
    )
    session.add(campaign)
    session.flush()
    record(
        session,
        actor,
        "campaign.create",
        "campaign",
        campaign.id,
        name=campaign.name,
        slug=campaign.slug,
    )
    return campaign


def update_campaign(
    session: Session, campaign: Campaign, *, name: str, description: str, actor: User
) -> Campaign:
    """Change a campaign's name or description (the slug stays: links in the wild use it)."""
    changes = {}
    if campaign.name != name.strip():
        changes["name"] = [campaign.name, name.strip()]
        campaign.name = name.strip()
    if campaign.description != description.strip():
        changes["description"] = "changed"
        campaign.description = description.strip()
    if changes:
        campaign.updated_at = utcnow()
        session.flush()
        record(session, actor, "campaign.update", "campaign", campaign.id, **changes)
    return campaign
