"""Creating one demand per selected agency from a template with placeholders."""

from __future__ import annotations

from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from campaign import db
from campaign.agencies.models import Agency
from campaign.agencies.standing import standings
from campaign.auth.access import coordinator_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error, parse_id
from campaign.demands import bulk as bulk_services
from campaign.demands import services
from campaign.demands.forms import (
    AgencyFilterForm,
    BulkDemandForm,
    BulkMoveForm,
    DemandFilterForm,
)
from campaign.demands.models import DemandStatus
from campaign.demands.queries import demand_query
from campaign.demands.views import (
    agency_filter,
    bp,
    demand_fields,
    filters_from,
    letter_choices,
    suggestions,
    today,
)

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
            if result.flagged:
                flash(
                    f"{result.flagged} of them are on agencies whose agreement ICE no longer "
                    "lists: they were created flagged “confirm termination”.",
                    "warning",
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
        standing=standings(db.session, [a.id for a in shown]),
        checked=checked,
        placeholders=services.PLACEHOLDERS,
        **suggestions(None),
    ), (400 if form.errors else 200)


@bp.post("/bulk-move")
@coordinator_required
def bulk_move(campaign_slug: str):
    """Move every demand matching the list's filters; each is checked against the rules,
    and the refusals are listed per demand."""
    campaign = get_campaign_or_404(campaign_slug)
    form = BulkMoveForm()
    filter_form = DemandFilterForm(MultiDict(parse_qsl(form.filters.data or "")))
    demands = list(
        db.session.scalars(demand_query(campaign.id, filters_from(filter_form), today()))
    )
    result = None
    if form.validate_on_submit():
        try:
            result = bulk_services.bulk_transition(
                db.session, demands, DemandStatus(form.to.data), reason=form.reason.data,
                actor=current_user, happened_on=form.happened_on.data, today=today(),
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
    return render_template(
        "demands/bulk_move.html", campaign=campaign, form=form, result=result,
        count=len(demands), filters=form.filters.data or "",
    ), (400 if form.errors or form.form_errors else 200)  # fmt: skip
