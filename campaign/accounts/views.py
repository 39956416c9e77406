"""Your account: see it, change your password, log out your other sessions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from campaign import db
from campaign.accounts.forms import LogoutOthersForm, PasswordChangeForm
from campaign.auth.login import lifetime, log_in
from campaign.auth.services import change_own_password, log_out_everywhere
from campaign.auth.sessions import count_sessions
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("")
@login_required
def index():
    """Your account at a glance."""
    user = current_user._get_current_object()
    sessions = count_sessions(db.session, user, lifetime=lifetime())
    return render_template(
        "accounts/index.html", user=user, sessions=sessions, logout_form=LogoutOthersForm()
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change your own password; every other session ends, this one carries on."""
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            change_own_password(
                db.session, user, current=form.current_password.data, new=form.password.data
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            log_in(user)
            flash("Your password is changed. Every other session was logged out.", "success")
            return redirect(url_for("account.index"))
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200


@bp.post("/logout-others")
@login_required
def logout_others():
    """Log out every other browser logged in as you."""
    form = LogoutOthersForm()
    if not form.validate_on_submit():
        flash("Tick the box to confirm, then press the button again.", "warning")
        return redirect(url_for("account.index"))
    user = current_user._get_current_object()
    log_out_everywhere(db.session, user, actor=user)
    db.session.commit()
    log_in(user)
    flash("Every other session was logged out.", "success")
    return redirect(url_for("account.index"))
