"""Pending work where coordinators look: a count in the navigation ("To do"), a section
at the top of each campaign page, and the to-do page listing it campaign by campaign."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, render_template
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.auth.models import Role
from campaign.campaigns.models import Campaign
from campaign.worklist import services

bp = Blueprint("worklist", __name__)


@bp.app_context_processor
def _pending_in_navigation() -> dict:
    def pending_total() -> int:
        """Work waiting for coordinators in every campaign (one query, once a request)."""
        if not (current_user.is_authenticated and current_user.has_role(Role.COORDINATOR)):
            return 0
        if "pending_total" not in g:
            g.pending_total = services.pending(db.session).total
        return g.pending_total

    return {"pending_total": pending_total}


def worklist_section(campaign: Campaign):
    """The campaign page's "Waiting for you" section (coordinators; nothing when nothing waits)."""
    if not (current_user.is_authenticated and current_user.has_role(Role.COORDINATOR)):
        return None
    responses = services.pending(db.session, campaign.id).responses
    letters = services.pending_by_letter(db.session, campaign.id)
    return "worklist/_section.html", {
        "campaign": campaign,
        "responses": responses,
        "letters": letters,
    }


@bp.route("/todo")
@coordinator_required
def index():
    """Everything waiting for coordinators, campaign by campaign."""
    per_campaign = services.pending_by_campaign(db.session)
    campaigns = db.session.scalars(
        sa.select(Campaign).where(Campaign.id.in_(list(per_campaign))).order_by(Campaign.name)
    ).all()
    return render_template(
        "worklist/index.html",
        rows=[(c, per_campaign[c.id]) for c in campaigns],
    )
