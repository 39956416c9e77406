"""Overdue lists (per campaign and across campaigns); recording a follow-up is an action
of the demand's page (``campaign.demands.actions.follow_up``)."""

from __future__ import annotations

from flask import Blueprint, request
from flask import render_template as render

from campaign import db
from campaign.auth.access import member_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.pagination import paginate, parse_page
from campaign.followups import services

bp = Blueprint("followups", __name__)

PER_PAGE = 50


def _overdue_page(campaign=None):
    today = local_today()
    page = paginate(
        db.session,
        services.overdue_query(today, campaign),
        page=parse_page(request.args.get("page")),
        per_page=PER_PAGE,
        scalars=False,
    )
    follow_ups = services.last_follow_ups(db.session, [row[0].id for row in page.items])
    return render(
        "followups/overdue.html", campaign=campaign, page=page, today=today, follow_ups=follow_ups
    )


@bp.route("/overdue")
@member_required
def overdue_all():
    """Overdue demands in every campaign, most days overdue first."""
    return _overdue_page()


@bp.route("/campaigns/<campaign_slug>/overdue")
@member_required
def overdue(campaign_slug: str):
    """Overdue demands in one campaign, most days overdue first."""
    return _overdue_page(get_campaign_or_404(campaign_slug))
