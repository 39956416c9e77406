"""Creating one demand per selected agency from a template with placeholders."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.agencies.models import Agency
from campaign.auth.access import coordinator_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error, parse_id
from campaign.demands import bulk as bulk_services
from campaign.demands import services
from campaign.demands.forms import AgencyFilterForm, BulkDemandForm
from campaign.demands.views import agency_filter, bp, demand_fields, letter_choices, suggestions

BULK_SHOWN = 200


@bp.route("/bulk", methods=["GET", "POST"])
@coordinator_required
def bulk(campaign_slug: str):
    """Create one demand per selected agency from a template with placeholders."""
    campaign = get_campaign_or_404(campaign_slug)
    form = BulkDemandForm()
    letter_choices(form, campaign)
    keys = ("state", "type", "q", "model", "agreement_status")
    if request.method == "POST":
        values = {k: form[k].data or "" for k in keys}
    else:
        values = {k: request.args.get(k) or "" for k in keys}
        for k in keys:
            form[k].data = values[k]
        form.title.data = "Terminate the 287(g) agreement of {agency}"
        form.ask.data = services.DEFAULT_ASK
        form.addressed_to.data = "Secretary of Homeland Security"
    filters = AgencyFilterForm(data=values)
    matching = agency_filter(values)
    if form.validate_on_submit():
        if form.scope.data == "matching":
            agencies = list(db.session.scalars(matching.order_by(Agency.state, Agency.name)))
        else:
            ids = [i for v in request.form.getlist("agency_ids") if (i := parse_id(v)) is not None]
            agencies = list(
                db.session.scalars(
                    sa.select(Agency).where(Agency.id.in_(ids)).order_by(Agency.state, Agency.name)
                )
            )
        try:
            result = bulk_services.bulk_create_demands(
                db.session, campaign, agencies, demand_fields(form), actor=current_user
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(
                f"{len(result.created)} demands created as drafts; {len(result.skipped)} "
                "agencies skipped because they already have an open demand in this campaign.",
                "success",
            )
            return redirect(url_for(".index", campaign_slug=campaign.slug))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(matching.subquery()))
    shown = db.session.scalars(matching.order_by(Agency.state, Agency.name).limit(BULK_SHOWN)).all()
    busy = bulk_services.open_demand_agency_ids(db.session, campaign, [a.id for a in shown])
    checked = {i for v in request.form.getlist("agency_ids") if (i := parse_id(v)) is not None}
    return render_template(
        "demands/bulk.html",
        campaign=campaign,
        form=form,
        filters=filters,
        agencies=shown,
        total=total,
        busy=busy,
        checked=checked,
        placeholders=services.PLACEHOLDERS,
        **suggestions(None),
    ), (400 if form.errors else 200)
