"""Response pages, under /campaigns/<campaign_slug>/…: log, list, review, attachments."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased, joinedload

from campaign import db
from campaign.agencies.models import Agency
from campaign.auth.access import coordinator_required, member_required
from campaign.auth.models import Role, User
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error
from campaign.core.pagination import paginate, parse_page
from campaign.demands.models import Demand
from campaign.demands.views import get_demand_or_404
from campaign.evidence.services import resolve_agency
from campaign.letters.models import Letter
from campaign.letters.views import get_letter_or_404
from campaign.responses import services
from campaign.responses.forms import AttachmentForm, RejectForm, ResponseFilterForm, ResponseForm
from campaign.responses.models import (
    Response,
    ResponseAttachment,
    ResponseChannel,
    ResponseOutcome,
    ResponseSource,
    ResponseStatus,
)
from campaign.uploads.attachments import read_required_upload, read_upload, send_attachment
from campaign.uploads.store import store_for

bp = Blueprint("responses", __name__)

PER_PAGE = 50
BASE = "/campaigns/<campaign_slug>/responses"


def get_response_or_404(campaign: Campaign, response_id: int) -> Response:
    """A response of this campaign (never another campaign's), with its people loaded."""
    response = db.session.scalar(
        sa.select(Response)
        .options(
            joinedload(Response.logged_by),
            joinedload(Response.reviewed_by),
            joinedload(Response.agency),
        )
        .where(Response.id == response_id, Response.campaign_id == campaign.id)
    )
    return response or abort(404)


def list_query(campaign: Campaign, status: ResponseStatus | None = None) -> sa.Select:
    """Responses of a campaign with what they answer and who logged them (one SELECT)."""
    from_agency = aliased(Agency)
    demand_agency = aliased(Agency)
    query = (
        sa.select(Response, Demand, demand_agency, Letter, from_agency, User)
        .outerjoin(Demand, Demand.id == Response.demand_id)
        .outerjoin(demand_agency, demand_agency.id == Demand.agency_id)
        .outerjoin(Letter, Letter.id == Response.letter_id)
        .outerjoin(from_agency, from_agency.id == Response.agency_id)
        .outerjoin(User, User.id == Response.logged_by_id)
        .where(Response.campaign_id == campaign.id)
    )
    if status is not None:
        query = query.where(Response.status == status)
    return query.order_by(Response.received_on.desc(), Response.id.desc())


@bp.route(BASE)
@member_required
def index(campaign_slug: str):
    """The campaign's responses, newest first; filter by moderation status."""
    campaign = get_campaign_or_404(campaign_slug)
    form = ResponseFilterForm(request.args)
    status = None
    if form.validate() and form.status.data:
        status = ResponseStatus(form.status.data)
    page = paginate(
        db.session,
        list_query(campaign, status),
        page=parse_page(request.args.get("page")),
        per_page=PER_PAGE,
        scalars=False,
    )
    pending = db.session.scalar(
        sa.select(sa.func.count()).where(
            Response.campaign_id == campaign.id, Response.status == ResponseStatus.PENDING
        )
    )
    return render_template(
        "responses/index.html", campaign=campaign, form=form, page=page, pending=pending
    )


@bp.route(f"{BASE}/<int:response_id>")
@member_required
def detail(campaign_slug: str, response_id: int):
    """One response: what it answers, its text, attachments and review."""
    campaign = get_campaign_or_404(campaign_slug)
    response = get_response_or_404(campaign, response_id)
    return _render_detail(campaign, response)


def _may_see(item: ResponseAttachment) -> bool:
    """A file awaiting approval is seen by coordinators and by the member who added it."""
    return (
        not item.pending
        or current_user.has_role(Role.COORDINATOR)
        or item.added_by_id == current_user.id
    )


def _render_detail(campaign: Campaign, response: Response, status: int = 200, **forms):
    demand = (
        db.session.scalar(
            sa.select(Demand)
            .options(joinedload(Demand.agency))
            .where(Demand.id == response.demand_id)
        )
        if response.demand_id
        else None
    )
    letter = db.session.get(Letter, response.letter_id) if response.letter_id else None
    attachments = [
        item
        for item in db.session.scalars(
            sa.select(ResponseAttachment)
            .where(ResponseAttachment.response_id == response.id)
            .order_by(ResponseAttachment.id)
        )
        if _may_see(item)
    ]
    change = services.implied_change(demand, response.outcome)
    return render_template(
        "responses/detail.html",
        campaign=campaign,
        response=response,
        demand=demand,
        letter=letter,
        attachments=attachments,
        change=change,
        reject_form=forms.get("reject_form") or RejectForm(),
        attachment_form=forms.get("attachment_form") or AttachmentForm(),
        action_form=ActionForm(),
    ), status


def _fields(form: ResponseForm) -> services.ResponseFields:
    return services.ResponseFields(
        received_on=form.received_on.data,
        channel=ResponseChannel(form.channel.data),
        summary=form.summary.data or "",
        from_name=form.from_name.data or "",
        from_title=form.from_title.data or "",
        full_text=form.full_text.data or "",
        outcome=ResponseOutcome(form.outcome.data),
        agency=resolve_agency(db.session, form.agency_state.data, form.agency_name.data),
        source=ResponseSource(form.source.data),
        source_body=form.source_body.data or "",
    )


def _log(campaign: Campaign, form: ResponseForm, *, letter=None, demand=None):
    """Validate, log, attach; returns the response or None (errors are on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        response = services.log_response(
            db.session, letter=letter, demand=demand, fields=_fields(form),
            actor=current_user, today=local_today(),
        )  # fmt: skip
        upload = read_upload(form.attachment)
        if upload is not None:
            services.add_response_attachment(
                db.session, response, store=store_for(current_app), data=upload.data,
                filename=upload.filename, actor=current_user,
            )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return None
    db.session.commit()
    if response.status == ResponseStatus.PENDING:
        flash("Response recorded; it waits for a coordinator's approval.", "success")
    elif response.applied_to is not None:
        flash(f"Response recorded: the demand is now “{response.applied_to.label}”.", "success")
    else:
        flash("Response recorded.", "success")
    return response


@bp.route("/campaigns/<campaign_slug>/demands/<int:demand_id>/responses/new",
          methods=["GET", "POST"])  # fmt: skip
@member_required
def new_for_demand(campaign_slug: str, demand_id: int):
    """Log a response to a demand."""
    campaign = get_campaign_or_404(campaign_slug)
    demand = get_demand_or_404(campaign, demand_id)
    form = ResponseForm()
    if request.method == "GET":
        form.received_on.data = local_today()
        form.agency_state.data, form.agency_name.data = demand.agency.state, demand.agency.name
    if _log(campaign, form, demand=demand) is not None:
        return redirect(url_for("demands.detail", campaign_slug=campaign.slug, demand_id=demand_id))
    return render_template(
        "responses/new.html", campaign=campaign, demand=demand, letter=None, form=form
    ), (400 if form.errors or form.form_errors else 200)


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>/responses/new",
          methods=["GET", "POST"])  # fmt: skip
@member_required
def new_for_letter(campaign_slug: str, letter_id: int):
    """Log a response to a letter (e.g. DHS answering the coalition letter)."""
    campaign = get_campaign_or_404(campaign_slug)
    letter = get_letter_or_404(campaign, letter_id)
    form = ResponseForm()
    # an outcome is a demand's; a letter response is for the record (and the signers)
    form.outcome.choices = [c for c in form.outcome.choices if c[0] == "none"]
    if request.method == "GET":
        form.received_on.data = local_today()
    if _log(campaign, form, letter=letter) is not None:
        return redirect(url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter_id))
    return render_template(
        "responses/new.html", campaign=campaign, demand=None, letter=letter, form=form
    ), (400 if form.errors or form.form_errors else 200)


@bp.post(f"{BASE}/<int:response_id>/approve")
@coordinator_required
def approve(campaign_slug: str, response_id: int):
    """Approve a pending response: its status change applies; signers are told."""
    campaign = get_campaign_or_404(campaign_slug)
    response = get_response_or_404(campaign, response_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.approve_response(db.session, response, actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash("Response approved.", "success")
    return redirect(url_for(".detail", campaign_slug=campaign.slug, response_id=response_id))


@bp.post(f"{BASE}/<int:response_id>/reject")
@coordinator_required
def reject(campaign_slug: str, response_id: int):
    """Reject a pending response, with the reason."""
    campaign = get_campaign_or_404(campaign_slug)
    response = get_response_or_404(campaign, response_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_response(
                db.session, response, reason=form.reason.data, actor=current_user
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Response rejected.", "success")
            return redirect(
                url_for(".detail", campaign_slug=campaign.slug, response_id=response_id)
            )
    response = get_response_or_404(campaign, response_id)
    return _render_detail(campaign, response, 400, reject_form=form)


@bp.post(f"{BASE}/<int:response_id>/attachments")
@member_required
def attach(campaign_slug: str, response_id: int):
    """Attach one more file to a response."""
    campaign = get_campaign_or_404(campaign_slug)
    response = get_response_or_404(campaign, response_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            upload = read_required_upload(form.attachment)
            services.add_response_attachment(
                db.session, response, store=store_for(current_app), data=upload.data,
                filename=upload.filename, actor=current_user,
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("File attached.", "success")
            return redirect(
                url_for(".detail", campaign_slug=campaign.slug, response_id=response_id)
            )
    response = get_response_or_404(campaign, response_id)
    return _render_detail(campaign, response, 400, attachment_form=form)


@bp.route(f"{BASE}/<int:response_id>/attachments/<int:attachment_id>")
@member_required
def attachment(campaign_slug: str, response_id: int, attachment_id: int):
    """Serve a response's attachment to a logged-in user (Content-Disposition, nosniff)."""
    campaign = get_campaign_or_404(campaign_slug)
    response = get_response_or_404(campaign, response_id)
    item = db.session.scalar(
        sa.select(ResponseAttachment).where(
            ResponseAttachment.id == attachment_id, ResponseAttachment.response_id == response.id
        )
    ) or abort(404)
    if not _may_see(item):
        abort(404)
    # a download unless "view" was clicked (issue 16: attachments were shown inline)
    return send_attachment(item, view=request.args.get("view") == "1")


@bp.post(f"{BASE}/<int:response_id>/attachments/<int:attachment_id>/<any(approve, remove):action>")
@coordinator_required
def review_attachment(campaign_slug: str, response_id: int, attachment_id: int, action: str):
    """Approve a member's file added to an approved response, or remove it."""
    campaign = get_campaign_or_404(campaign_slug)
    response = get_response_or_404(campaign, response_id)
    item = db.session.scalar(
        sa.select(ResponseAttachment).where(
            ResponseAttachment.id == attachment_id, ResponseAttachment.response_id == response.id
        )
    ) or abort(404)
    ActionForm().validate_on_submit()  # CSRFProtect has checked the token
    try:
        services.review_attachment(
            db.session, item, approve=action == "approve", actor=current_user
        )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash("File approved." if action == "approve" else "File removed.", "success")
    return redirect(url_for(".detail", campaign_slug=campaign.slug, response_id=response.id))
