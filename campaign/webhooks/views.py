"""A campaign's webhooks (coordinators): subscribe a URL, see its delivery log, send a test
event, resume, pause or delete it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error
from campaign.core.urls import external_url
from campaign.webhooks import services
from campaign.webhooks.events import EVENTS
from campaign.webhooks.forms import SubscriptionForm
from campaign.webhooks.models import WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/campaigns/<slug>/webhooks")


def _allow_private() -> bool:
    cfg = current_app.config
    return bool(cfg["WEBHOOK_ALLOW_PRIVATE"]) or cfg.get("ENV") != "production"


def _subscription(campaign, sub_id: int) -> WebhookSubscription:
    sub = db.session.get(WebhookSubscription, sub_id)
    if sub is None or sub.campaign_id != campaign.id:
        abort(404)
    return sub


@bp.route("", methods=["GET", "POST"])
@coordinator_required
def index(slug: str):
    """The campaign's subscriptions and the form for a new one (its secret shown once)."""
    campaign = get_campaign_or_404(slug)
    form = SubscriptionForm()
    created = None
    if form.validate_on_submit():
        try:
            created = services.create_subscription(
                db.session, campaign, url=form.url.data, events=form.events.data,
                description=form.description.data or "", actor=current_user,
                allow_private=_allow_private(),
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            form = SubscriptionForm(formdata=None)
    page = render_template(
        "webhooks/index.html",
        campaign=campaign,
        form=form,
        created=created,
        subscriptions=services.subscriptions(db.session, campaign),
        events=EVENTS,
    )
    return page, 400 if form.errors else 200, {"Cache-Control": "no-store"}


@bp.get("/<int:sub_id>")
@coordinator_required
def detail(slug: str, sub_id: int):
    """One subscription: its events, state and delivery log."""
    campaign = get_campaign_or_404(slug)
    sub = _subscription(campaign, sub_id)
    return render_template(
        "webhooks/detail.html",
        campaign=campaign,
        sub=sub,
        log=services.delivery_log(db.session, sub),
        waiting=services.waiting(db.session, sub),
        action_form=ActionForm(),
        events=EVENTS,
    )


@bp.post("/<int:sub_id>/<any(test, resume, pause, delete):action>")
@coordinator_required
def act(slug: str, sub_id: int, action: str):
    """Send a test event, resume, pause or delete."""
    campaign = get_campaign_or_404(slug)
    sub = _subscription(campaign, sub_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if action == "test":
            api_root = external_url("api.entry").rstrip("/")
            services.send_test_event(db.session, sub, actor=current_user, api_root=api_root)
            message = "A test event is queued: the worker sends it within seconds."
        elif action == "resume":
            services.resume(db.session, sub, actor=current_user)
            message = "The subscription is running again."
        elif action == "pause":
            services.pause(db.session, sub, actor=current_user)
            message = "The subscription is paused."
        else:
            services.delete(db.session, sub, actor=current_user)
            db.session.commit()
            flash("The subscription is deleted.", "success")
            return redirect(url_for("webhooks.index", slug=campaign.slug))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("webhooks.detail", slug=campaign.slug, sub_id=sub.id))
