"""Verification on the review pages: a coordinator's record of how a sign-on was
verified, and the letter's verification settings."""

from __future__ import annotations

from flask import flash, redirect
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.core.urls import safe_next
from campaign.review.forms import VerificationSettingsForm, VerifyForm
from campaign.review.views.actions import _act
from campaign.review.views.base import BASE, bp, list_url, load
from campaign.verification import services
from campaign.verification.models import Method


@bp.post(BASE + "/<int:signon_id>/verify")
@coordinator_required
def verify(campaign_slug: str, letter_id: int, signon_id: int):
    """Record how a coordinator verified the sign-on (audit-logged)."""

    def call(signon, letter, form):
        services.verify(
            db.session,
            signon,
            letter,
            services.Verification(
                method=Method(form.method.data),
                who=form.who.data,
                verified_on=form.verified_on.data,
                notes=form.notes.data or "",
                remember_domain=form.remember_domain.data,
            ),
            actor=current_user,
        )

    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        VerifyForm,
        "verify",
        call,
        lambda s: f"“{s.org_name}” is verified; how is recorded.",
    )


@bp.post(BASE + "/verification-settings")
@coordinator_required
def verification_settings(campaign_slug: str, letter_id: int):
    """Whether the letter requires verification, and marks verified organizations."""
    campaign, letter = load(campaign_slug, letter_id)
    form = VerificationSettingsForm()
    if form.validate_on_submit():
        services.update_settings(
            db.session,
            letter,
            requires=form.requires_verification.data,
            marks=form.marks_verified.data,
            actor=current_user,
        )
        db.session.commit()
        flash("Verification settings saved.", "success")
    else:
        flash("The settings could not be saved: please try again.", "danger")
    return redirect(safe_next(form.next.data) or list_url(campaign, letter))
