"""Overdue lists (per campaign and across campaigns) and recording a follow-up."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask import render_template as render
from flask_login import current_user

from campaign import db
from campaign.auth.access import member_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.pagination import paginate, parse_page
from campaign.demands.views import get_demand_or_404, render_detail
from campaign.followups import services
from campaign.followups.forms import FollowUpForm
from campaign.followups.models import FollowUpMethod

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


@bp.post("/campaigns/<campaign_slug>/demands/<int:demand_id>/follow-ups")
@member_required
def follow_up(campaign_slug: str, demand_id: int):
    """Record a follow-up on a demand and set its new due date."""
    campaign = get_campaign_or_404(campaign_slug)
    demand = get_demand_or_404(campaign, demand_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            services.record_follow_up(
                db.session, demand, done_on=form.done_on.data,
                method=FollowUpMethod(form.method.data), note=form.note.data or "",
                new_due_on=form.new_due_on.data, actor=current_user, today=local_today(),
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(f"Follow-up recorded; the answer is now due {form.new_due_on.data}.", "success")
            return redirect(url_for("demands.detail", campaign_slug=campaign.slug,
                                    demand_id=demand.id))  # fmt: skip
    demand = get_demand_or_404(campaign, demand_id)
    return render_detail(campaign, demand, 400, follow_up_form=form)
