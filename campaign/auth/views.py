"""Login, logout and the admin's user pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from campaign import db
from campaign.auth.access import admin_required
from campaign.auth.forms import LoginForm, UserCreateForm, UserEditForm
from campaign.auth.models import Role, User
from campaign.auth.services import authenticate, create_user, set_password, update_user
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.urls import safe_next
from campaign.extensions import limiter

bp = Blueprint("auth", __name__)


def _login_failed(response) -> bool:
    # Only failed attempts count against the limit: a successful login redirects.
    return request.method == "POST" and response.status_code != 302


def _email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_login_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
    key_func=_email_key,
)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("campaigns.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("campaigns.index"))
        form.password.errors.append("Wrong email or password, or the account is inactive.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST, so that a link cannot log anyone out)."""
    FlaskForm().validate_on_submit()  # CSRF is checked by CSRFProtect before we get here
    logout_user()
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
            flash(f"Account {user.email} updated.", "success")
            return redirect(url_for("auth.users"))
    status = 400 if form.errors else 200
    return render_template("auth/user_edit.html", form=form, user=user), status
