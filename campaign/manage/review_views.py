"""The coordinators' side: the signer's corrections on the sign-on's review page (a
section the review page shows, registered in ``campaign.create_app``), applied or
declined."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.core.errors import DomainError
from campaign.manage import services
from campaign.manage.forms import WithdrawForm
from campaign.manage.models import Correction
from campaign.manage.views import bp
from campaign.review.views.base import BASE, load, signon_or_404


def corrections_section(campaign, letter, signon) -> Markup:
    """The signer's corrections, with Apply / Decline on those still waiting."""
    rows = services.corrections(db.session, signon)
    if not rows:
        return Markup("")
    # the template autoescapes everything it prints: its output is safe HTML
    return Markup(  # noqa: S704
        render_template(
            "manage/_review_corrections.html",
            campaign=campaign,
            letter=letter,
            signon=signon,
            corrections=rows,
            form=WithdrawForm(),
        )
    )


@bp.post(BASE + "/<int:signon_id>/corrections/<int:correction_id>/<any(apply, decline):what>")
@coordinator_required
def decide(campaign_slug: str, letter_id: int, signon_id: int, correction_id: int, what: str):
    """Apply or decline a correction the signer asked for."""
    campaign, letter = load(campaign_slug, letter_id)
    signon = signon_or_404(letter, signon_id)
    correction = db.session.get(Correction, correction_id)
    if correction is None or correction.sign_on_id != signon.id:
        abort(404)
    WithdrawForm().validate_on_submit()  # CSRFProtect has checked the token
    try:
        services.decide_correction(
            db.session, correction, signon, letter, apply=what == "apply", actor=current_user
        )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash("Correction applied." if what == "apply" else "Correction declined.", "success")
    return redirect(
        url_for(
            "review.detail", campaign_slug=campaign.slug, letter_id=letter.id, signon_id=signon.id
        )
    )
