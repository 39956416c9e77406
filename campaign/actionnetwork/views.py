"""``/hooks/action-network/<secret>``: Action Network posts a letter's signatures and form
submissions here (no login, no CSRF: the secret address is the credential); and the
letter's page for coordinators that makes that address."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user

from campaign import db
from campaign.actionnetwork import services
from campaign.auth.access import coordinator_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core import ratelimit
from campaign.core.forms import ActionForm
from campaign.core.urls import external_url
from campaign.letters.models import Letter
from campaign.letters.views import get_letter_or_404
from campaign.signons.views import link_for
from campaign.uploads.store import store_for

bp = Blueprint("actionnetwork", __name__)


@bp.post("/hooks/action-network/<secret>")
def receive(secret: str):
    """Take in Action Network's webhook (an array of items, as they send it): 200 with
    each item's outcome; 404 for an unknown address; 400 for a body that is not JSON."""
    ratelimit.hit("SIGNON_RATE_LIMIT", "actionnetwork.receive")
    hook = services.find_hook(db.session, secret)
    if hook is None:
        return jsonify(error="No such receiver."), 404
    body = request.get_json(silent=True)
    items = body if isinstance(body, list) else [body] if isinstance(body, dict) else None
    if items is None:
        return jsonify(error="The body must be Action Network's JSON: an array of items."), 400
    letter = db.session.get(Letter, hook.letter_id)
    results = services.receive(
        db.session, hook, letter, items, store=store_for(current_app), link_for=link_for(letter),
        may_email=lambda address: ratelimit.allow("SIGNON_MAIL_LIMIT", "signons.mail", address),
    )  # fmt: skip
    db.session.commit()
    return jsonify(results=[r.as_json() for r in results])


@bp.route(
    "/campaigns/<campaign_slug>/letters/<int:letter_id>/action-network", methods=["GET", "POST"]
)
@coordinator_required
def letter_page(campaign_slug: str, letter_id: int):
    """The letter's Action Network receiver: make its address (shown once) or replace it."""
    campaign = get_campaign_or_404(campaign_slug)
    letter = get_letter_or_404(campaign, letter_id)
    form = ActionForm()
    address = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        _hook, secret = services.make_hook(db.session, letter, actor=current_user)
        db.session.commit()
        address = external_url("actionnetwork.receive", secret=secret)
    page = render_template(
        "actionnetwork/letter.html",
        campaign=campaign,
        letter=letter,
        hook=services.hook_of(db.session, letter),
        address=address,
        form=form,
    )
    return page, 200, {"Cache-Control": "no-store"}
