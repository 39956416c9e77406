"""The campaign dashboard, at /campaigns/<slug>/dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from campaign import db
from campaign.auth.access import member_required
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.charts import daily_bars_svg, tile_map_svg
from campaign.core.clock import local_today
from campaign.dashboard import services
from campaign.demands.models import DemandStatus
from campaign.responses.models import ResponseStatus
from campaign.responses.views import list_query
from campaign.signons.models import Level

bp = Blueprint("dashboard", __name__)

RECENT_RESPONSES = 8


def dashboard_section(campaign: Campaign):
    """The campaign page's link to its dashboard (and to its overdue list)."""
    return "dashboard/_section.html", {"campaign": campaign}


@bp.route("/campaigns/<slug>/dashboard")
@member_required
def dashboard(slug: str):
    """Sign-ons, demands by status, overdue, recent responses, and the state map."""
    campaign = get_campaign_or_404(slug)
    today = local_today()
    figures = services.dashboard_figures(db.session, campaign, today)
    recent = db.session.execute(
        list_query(campaign, ResponseStatus.APPROVED).limit(RECENT_RESPONSES)
    ).all()
    per_day = figures.signons.per_day
    chart = daily_bars_svg(
        per_day,
        start=min(per_day) if per_day else today,
        end=max(today, max(per_day)) if per_day else today,
        title="Sign-ons per day, by the day each organization signed",
    )
    # every state links to the demand list filtered by it (the list's state filter)
    tile_map = tile_map_svg(
        figures.states,
        link_for=lambda code: url_for("demands.index", campaign_slug=campaign.slug, state=code),
        legend=[(key, services.MAP_LABELS[key]) for key in services.MAP_PRECEDENCE],
        title="Demands by state",
        default="none",
    )
    return render_template(
        "dashboard/dashboard.html",
        campaign=campaign,
        figures=figures,
        chart=chart,
        tile_map=tile_map,
        recent=recent,
        levels=list(Level),
        statuses=list(DemandStatus),
        today=today,
    )
