"""The consolidated follow-ups page: agencies with open demands, and sending one each."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.agencies.models import Agency
from campaign.auth.access import member_required
from campaign.auth.models import Role
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, parse_id
from campaign.mail.models import OutboxMessage
from campaign.sending import followups
from campaign.sending.models import AgencyFollowUp
from campaign.sending.views import bp


@bp.route("/campaigns/<campaign_slug>/agency-follow-ups", methods=["GET", "POST"])
@member_required
def agency_follow_ups(campaign_slug: str):
    """GET: each agency's open demands, how late, its last follow-up and when the next may
    go. POST (coordinators): send one agency's follow-up, or every one that is due."""
    campaign = get_campaign_or_404(campaign_slug)
    today = local_today()
    status = 200
    if request.method == "POST":
        if not current_user.has_role(Role.COORDINATOR):
            abort(403)
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            if request.form.get("agency_id") == "due":
                sent, problems = _send_due(campaign, today)
                flash(
                    f"{sent} follow-up(s) sent." + (" " + " ".join(problems) if problems else ""),
                    "success" if sent else "info",
                )
            else:
                agency = db.session.get(Agency, parse_id(request.form.get("agency_id")) or 0)
                if agency is None:
                    abort(404)
                followups.send_follow_up(
                    db.session, campaign, agency, today=today, actor=current_user
                )
                flash(f"Follow-up sent to {agency.name}.", "success")
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
            status = 400
        else:
            db.session.commit()
            return redirect(url_for(".agency_follow_ups", campaign_slug=campaign.slug))
    statuses = followups.agency_statuses(db.session, campaign, today)
    sent = db.session.scalars(
        sa.select(AgencyFollowUp)
        .where(AgencyFollowUp.campaign_id == campaign.id)
        .order_by(AgencyFollowUp.id.desc())
        .limit(50)
    ).all()
    receipts: dict[int, list[OutboxMessage]] = {}
    for row in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.agency_follow_up_id.in_([f.id for f in sent]))
    ):
        receipts.setdefault(row.agency_follow_up_id, []).append(row)
    ids = {f.agency_id for f in sent}
    agencies = {a.id: a for a in db.session.scalars(sa.select(Agency).where(Agency.id.in_(ids)))}
    return render_template(
        "sending/agency_follow_ups.html",
        campaign=campaign,
        statuses=statuses,
        today=today,
        window=followups.window_days(),
        sent=sent,
        receipts=receipts,
        agencies=agencies,
    ), status


def _send_due(campaign, today):
    sent, problems = 0, []
    for status in followups.agency_statuses(db.session, campaign, today):
        if status.due(today):
            try:
                with db.session.begin_nested():
                    followups.send_follow_up(
                        db.session, campaign, status.agency, today=today, actor=current_user
                    )
            except DomainError as err:
                problems.append(err.message)
            else:
                sent += 1
    return sent, problems
