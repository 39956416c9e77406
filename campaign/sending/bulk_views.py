"""Bulk-send packets for the demands matching the demand list's filters."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import current_app, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.demands.forms import DemandFilterForm
from campaign.demands.queries import demand_query
from campaign.demands.views import filters_from
from campaign.sending import bulk
from campaign.sending.forms import BulkPacketForm
from campaign.sending.views import bp
from campaign.uploads.store import store_for

BULK_MAX = 500


@bp.route("/campaigns/<campaign_slug>/packets", methods=["GET", "POST"])
@coordinator_required
def bulk_packets(campaign_slug: str):
    """GET: the demands the filters match, each with its targets and warnings; POST: send
    each one's packet to its own targets, and report per demand."""
    campaign = get_campaign_or_404(campaign_slug)
    form = BulkPacketForm() if request.method == "POST" else BulkPacketForm(formdata=None)
    query = form.filters.data if request.method == "POST" else request.query_string.decode()
    filter_form = DemandFilterForm(MultiDict(parse_qsl((query or "")[:2000])))
    demands = list(
        db.session.scalars(
            demand_query(campaign.id, filters_from(filter_form), local_today()).limit(BULK_MAX)
        )
    )
    if request.method == "GET":
        form.filters.data, form.sent_on.data = query[:2000], local_today()
        form.include_dhs.data = False
    outcomes, status = None, 200
    if request.method == "POST":
        if form.validate():
            try:
                if not demands:
                    raise DomainError("No demand matches these filters.")
                outcomes = bulk.bulk_send_packets(
                    db.session, demands, include_dhs=form.include_dhs.data,
                    sent_on=form.sent_on.data, today=local_today(),
                    static_dir=current_app.static_folder, store=store_for(current_app),
                    actor=current_user, list_signatories=form.list_signatories.data,
                )  # fmt: skip
            except DomainError as err:
                db.session.rollback()
                apply_domain_error(form, err)
            else:
                db.session.commit()
        status = 400 if form.errors or form.form_errors else 200
    rows = bulk.plan(db.session, demands, include_dhs=bool(form.include_dhs.data))
    return render_template(
        "sending/bulk_packets.html", campaign=campaign, form=form, rows=rows,
        outcomes=outcomes, filter_form=filter_form, limit=BULK_MAX,
    ), status  # fmt: skip
