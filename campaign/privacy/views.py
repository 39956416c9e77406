"""The "Forget this person" button of the directory."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm
from campaign.directory.models import Contact
from campaign.privacy.services import delete_files, forget_person

bp = Blueprint("privacy", __name__)


@bp.post("/directory/contacts/<int:contact_id>/forget")
@coordinator_required
def forget(contact_id: int):
    """Forget a person: their personal data goes everywhere, their organizations'
    sign-ons (and every count) stay."""
    if not ActionForm().validate_on_submit():
        abort(400)
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        abort(404)
    back = request.form.get("org_id", "")
    try:
        report = forget_person(
            db.session,
            contact,
            actor=current_user,
            mail_dir=Path(current_app.config["MAIL_DIR"]),
            upload_dir=Path(current_app.config["UPLOAD_DIR"]),
        )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "warning")
    else:
        db.session.commit()
        delete_files(report.mail_files)  # only once the database has forgotten them too
        flash(
            "The contact's personal data was removed: from the directory, their sign-ons, "
            "the mail sent to them, about them or from them, and uploaded files naming them.",
            "success",
        )
    if back.isdigit() and len(back) < 12:
        return redirect(url_for("directory.detail", org_id=int(back)))
    return redirect(url_for("directory.index"))
