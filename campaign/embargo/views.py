"""The coordinators' embargo pages: set or postpone, release now, cancel, schedule delivery."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.campaigns.models import Campaign
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error
from campaign.embargo import services
from campaign.embargo.forms import CancelForm, EmbargoForm
from campaign.letters.embargo import LetterEmbargo, embargo_of, format_local
from campaign.letters.models import Letter
from campaign.letters.views import _load
from campaign.uploads.store import store_for

bp = Blueprint("embargo", __name__)

LETTER = "/campaigns/<campaign_slug>/letters/<int:letter_id>/embargo"


def embargo_panel(letter: Letter) -> dict:
    """What the letter page says of the letter's embargo (a template global)."""
    embargo = embargo_of(db.session, letter.id)
    when = format_local(embargo.release_at, embargo.release_tz) if embargo else None
    return {"embargo": embargo, "when": when, "cancel_form": CancelForm(formdata=None)}


def _back(campaign: Campaign, letter: Letter):
    return redirect(
        url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id) + "#embargo"
    )


@bp.route(LETTER, methods=["GET", "POST"])
@coordinator_required
def edit(campaign_slug: str, letter_id: int):
    """Embargo the letter until a release time, or move the release (with a reason)."""
    campaign, letter = _load(campaign_slug, letter_id)
    embargo = embargo_of(db.session, letter.id)
    moving = embargo is not None and embargo.in_force
    form = EmbargoForm()
    if not form.is_submitted():
        _fill(form, letter, embargo if moving else None)
    if form.validate_on_submit():
        when = services.ReleaseTime(
            form.release_on.data, form.release_time.data, form.release_tz.data
        )
        try:
            unchanged = moving and (when.instant(), when.tz) == (
                embargo.release_at,
                embargo.release_tz,
            )
            if moving and not unchanged:
                services.postpone(
                    db.session, letter, when, reason=form.reason.data or "", actor=current_user
                )
            if moving:
                services.set_delivery(
                    db.session, letter, form.deliver_at_release.data, actor=current_user
                )
            else:
                services.set_embargo(
                    db.session, letter, when,
                    deliver_at_release=form.deliver_at_release.data, actor=current_user,
                )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            saved = embargo_of(db.session, letter.id)
            flash(
                f"Embargoed until {format_local(saved.release_at, saved.release_tz)}.",
                "success",
            )
            return _back(campaign, letter)
    status = 400 if form.errors else 200
    return render_template(
        "embargo/edit.html", form=form, campaign=campaign, letter=letter, moving=moving
    ), status


def _fill(form: EmbargoForm, letter: Letter, embargo: LetterEmbargo | None) -> None:
    if embargo is None:
        form.release_tz.data = letter.deadline_tz
        return
    local = embargo.release_local
    form.release_on.data, form.release_time.data = local.date(), local.time()
    form.release_tz.data = embargo.release_tz
    form.deliver_at_release.data = embargo.deliver_at_release


@bp.post(LETTER + "/release")
@coordinator_required
def release(campaign_slug: str, letter_id: int):
    """Release now, before the release time."""
    campaign, letter = _load(campaign_slug, letter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        done = services.release_now(
            db.session, letter, static_dir=current_app.static_folder,
            store=store_for(current_app), actor=current_user,
        )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(
            f"Released: the public page shows its signatories; {done.emailed} signer(s) who "
            "asked to be kept informed are told. " + done.delivery_note,
            "success",
        )
    return _back(campaign, letter)


@bp.post(LETTER + "/cancel")
@coordinator_required
def cancel(campaign_slug: str, letter_id: int):
    """End the embargo without a release."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash("The reason is too long (500 characters at most).", "danger")
        return _back(campaign, letter)
    try:
        services.cancel(db.session, letter, reason=form.reason.data or "", actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash("Embargo cancelled: the public page is an ordinary one again.", "success")
    return _back(campaign, letter)
