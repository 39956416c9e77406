"""Login, logout and the admin's user pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from campaign import db
from campaign.auth import throttle
from campaign.auth.access import admin_required
from campaign.auth.forms import LoginForm, LogoutEverywhereForm, UserCreateForm, UserEditForm
from campaign.auth.login import lifetime, log_in, log_out
from campaign.auth.models import Role, User
from campaign.auth.services import (
    authenticate,
    create_user,
    log_out_everywhere,
    set_password,
    update_user,
    warn_of_failed_logins,
)
from campaign.auth.sessions import count_sessions
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.urls import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("campaigns.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        if throttle.refused(email):
            abort(429)
        throttle.slow_down(email)
        user = authenticate(db.session, email, form.password.data)
        if user is not None:
            log_in(user)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("campaigns.index"))
        if throttle.record_failure(email):
            window = current_app.config["LOGIN_ACCOUNT_SLOWDOWN"].split(" per ")[-1]
            warn_of_failed_logins(db.session, email, window=f"one {window}")
        db.session.commit()
        form.password.errors.append("Wrong email or password, or the account is inactive.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST, so that a link cannot log anyone out): this session ends for good."""
    FlaskForm().validate_on_submit()  # CSRF is checked by CSRFProtect before we get here
    log_out()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/admin/users")
@admin_required
def users():
    """All accounts."""
    rows = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("auth/users.html", users=rows, form=UserCreateForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    """Create an account."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=Role(form.role.data),
                actor=current_user,
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(f"Account {user.email} created.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_new.html", form=form), 400 if form.errors else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    """Change a user's name, role, active flag or password."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            update_user(
                db.session,
                user,
                role=Role(form.role.data),
                active=form.active.data,
                name=form.name.data,
                actor=current_user,
            )
            if form.password.data:
                set_password(db.session, user, form.password.data, actor=current_user)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            if form.password.data and user.id == current_user.id:
                log_in(user)  # the new password ended every session, this one too
            flash(f"Account {user.email} updated.", "success")
            return redirect(url_for("auth.users"))
    status = 400 if form.errors else 200
    sessions = count_sessions(db.session, user, lifetime=lifetime())
    return render_template(
        "auth/user_edit.html",
        form=form,
        user=user,
        sessions=sessions,
        logout_form=LogoutEverywhereForm(),
    ), status


@bp.post("/admin/users/<int:user_id>/logout-everywhere")
@admin_required
def user_logout_everywhere(user_id: int):
    """End every session of an account (a lost laptop, a departed staff member)."""
    user = db.session.get(User, user_id) or abort(404)
    form = LogoutEverywhereForm()
    if not form.validate_on_submit():
        flash("Tick the box to confirm, then press the button again.", "warning")
        return redirect(url_for("auth.user_edit", user_id=user.id))
    ended = log_out_everywhere(db.session, user, actor=current_user)
    db.session.commit()
    flash(f"{user.email} was logged out of {ended} session(s).", "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.user_edit", user_id=user.id))
