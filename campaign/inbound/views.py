"""Pages: a member turns an .eml into a pending response; coordinators see ingested mail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.pagination import paginate, parse_page
from campaign.demands.views import get_demand_or_404
from campaign.inbound.classify import MailKind
from campaign.inbound.forms import EmailUploadForm, InboundFilterForm
from campaign.inbound.models import InboundMessage
from campaign.inbound.parse import Limits
from campaign.inbound.services import Context, ingest
from campaign.letters.views import get_letter_or_404
from campaign.mail.models import OutboxMessage
from campaign.uploads.store import store_for

bp = Blueprint("inbound", __name__)

PER_PAGE = 50


def _upload(form: EmailUploadForm, *, letter=None, demand=None):
    """The response the uploaded .eml became, or None (the error is on the form)."""
    if not form.validate_on_submit():
        return None
    limits = Limits.from_config(current_app.config)
    storage = form.eml.data
    if not getattr(storage, "filename", ""):
        form.eml.errors = [*form.eml.errors, "Choose the .eml file of the email."]
        return None
    raw = storage.stream.read(limits.max_bytes + 1)
    if not raw:
        form.eml.errors = [*form.eml.errors, "The file is empty."]
        return None
    ctx = Context(
        store=store_for(current_app), limits=limits, now=db.utcnow(), today=local_today(),
        source="upload", actor=current_user,
    )  # fmt: skip
    try:
        outcome = ingest(db.session, raw, ctx, letter=letter, demand=demand)
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return None
    db.session.commit()
    message = "The email is now a response waiting for a coordinator's approval."
    if outcome.record is not None and outcome.record.flag:
        message += " Its sender is not a known address of the target: check who sent it."
    flash(message, "success")
    for note in outcome.notes:
        flash(note, "warning")
    return outcome.response


def _page(campaign, form, *, letter=None, demand=None):
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "inbound/upload.html", campaign=campaign, form=form, letter=letter, demand=demand
    ), status


@bp.route("/campaigns/<campaign_slug>/demands/<int:demand_id>/responses/from-email",
          methods=["GET", "POST"])  # fmt: skip
@member_required
def upload_for_demand(campaign_slug: str, demand_id: int):
    """A demand's answer, from the email itself."""
    campaign = get_campaign_or_404(campaign_slug)
    demand = get_demand_or_404(campaign, demand_id)
    form = EmailUploadForm()
    response = _upload(form, demand=demand)
    if response is not None:
        return redirect(url_for("responses.detail", campaign_slug=campaign.slug,
                                response_id=response.id))  # fmt: skip
    return _page(campaign, form, demand=demand)


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>/responses/from-email",
          methods=["GET", "POST"])  # fmt: skip
@member_required
def upload_for_letter(campaign_slug: str, letter_id: int):
    """A letter's answer, from the email itself."""
    campaign = get_campaign_or_404(campaign_slug)
    letter = get_letter_or_404(campaign, letter_id)
    if letter.status.value == "draft":
        abort(404)
    form = EmailUploadForm()
    response = _upload(form, letter=letter)
    if response is not None:
        return redirect(url_for("responses.detail", campaign_slug=campaign.slug,
                                response_id=response.id))  # fmt: skip
    return _page(campaign, form, letter=letter)


@bp.route("/mail/inbound")
@coordinator_required
def index():
    """Every ingested message, newest first: what it was and what it changed."""
    form = InboundFilterForm(request.args)
    query = (
        sa.select(InboundMessage, OutboxMessage, Campaign)
        .outerjoin(OutboxMessage, OutboxMessage.id == InboundMessage.outbox_message_id)
        .outerjoin(Campaign, Campaign.id == InboundMessage.campaign_id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
    )
    if form.validate() and form.kind.data:
        query = query.where(InboundMessage.kind == MailKind(form.kind.data))
    page = paginate(db.session, query, page=parse_page(request.args.get("page")),
                    per_page=PER_PAGE, scalars=False)  # fmt: skip
    return render_template("inbound/index.html", form=form, page=page)


def inbound_for_response(response_id: int) -> InboundMessage | None:
    """The email a response was read from (for the response page), or None."""
    return db.session.scalar(
        sa.select(InboundMessage).where(InboundMessage.response_id == response_id).limit(1)
    )


RETURNED_SHOWN = 20


def returned_mail(*, demand_id: int | None = None, letter_id: int | None = None) -> list:
    """Bounces, delays and auto-replies to what a demand's or a letter's receipts
    delivered, newest first (for those pages): (inbound message, receipt) pairs."""
    from campaign.delivery.models import LetterDelivery

    query = (
        sa.select(InboundMessage, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == InboundMessage.outbox_message_id)
        .where(InboundMessage.kind.in_(RETURNED_KINDS))
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(RETURNED_SHOWN)
    )
    if demand_id is not None:
        query = query.where(OutboxMessage.demand_id == demand_id)
    elif letter_id is not None:
        deliveries = sa.select(LetterDelivery.id).where(LetterDelivery.letter_id == letter_id)
        query = query.where(OutboxMessage.letter_delivery_id.in_(deliveries))
    else:
        return []
    return list(db.session.execute(query))


RETURNED_KINDS = (MailKind.BOUNCE, MailKind.DELAYED, MailKind.AUTO_REPLY)
