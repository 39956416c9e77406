"""Login, logout and the admin's user pages."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from campaign import db
from campaign.audit.services import record
from campaign.auth import throttle, twofactor
from campaign.auth.access import admin_required
from campaign.auth.forms import (
    CodeForm,
    LoginForm,
    LogoutEverywhereForm,
    ResetTwoFactorForm,
    UserCreateForm,
    UserEditForm,
)
from campaign.auth.login import lifetime, log_in, log_out
from campaign.auth.models import Role, User
from campaign.auth.services import (
    authenticate,
    create_user,
    finish_login,
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


PENDING_KEY = "pending_login"
# How long the second step may wait after the right password.
PENDING_SECONDS = 300
# What an admin who must set up two-step login may still reach before doing so.
_ALLOWED_BEFORE_ENROLMENT = {
    "static",
    "bootstrap.static",
    "auth.logout",
    "account.two_factor",
    "ops.healthz",
    "ops.readyz",
    "ops.metrics",
}


def _failed(email: str) -> None:
    # Counted against the client address and the account; the owner hears of a flood.
    if throttle.record_failure(email):
        window = current_app.config["LOGIN_ACCOUNT_SLOWDOWN"].split(" per ")[-1]
        warn_of_failed_logins(db.session, email, window=f"one {window}")


def _complete(user: User, next_url: str | None, *, second_factor: str | None = None):
    finish_login(db.session, user, second_factor=second_factor)
    log_in(user)
    flash(f"Welcome, {user.name}.", "success")
    return redirect(next_url or url_for("campaigns.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password (then a code, for accounts with two-step login)."""
    if current_user.is_authenticated:
        return redirect(url_for("campaigns.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        if throttle.refused(email):
            abort(429)
        throttle.slow_down(email)
        user = authenticate(db.session, email, form.password.data)
        next_url = safe_next(request.args.get("next"))
        if user is not None and user.two_factor_enabled:
            db.session.commit()
            session.clear()
            session[PENDING_KEY] = {"user": user.id, "at": int(time.time()), "next": next_url}
            return redirect(url_for("auth.login_code"))
        if user is not None:
            return _complete(user, next_url)
        _failed(email)
        db.session.commit()
        form.password.errors.append("Wrong email or password, or the account is inactive.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _pending() -> tuple[User, str | None] | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    if not 0 <= time.time() - float(pending.get("at") or 0) <= PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or not user.two_factor_enabled:
        return None
    return user, safe_next(pending.get("next"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step: a code from the authenticator app, or a recovery code."""
    pending = _pending()
    if pending is None:
        session.pop(PENDING_KEY, None)
        flash("Please log in again.", "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    form = CodeForm()
    if form.validate_on_submit():
        if throttle.refused(user.email):
            abort(429)
        throttle.slow_down(user.email)
        how = twofactor.verify(db.session, user, form.code.data)
        if how is not None:
            session.pop(PENDING_KEY, None)
            left = twofactor.codes_left(db.session, user) if how == "recovery" else None
            answer = _complete(user, next_url, second_factor=how)
            if left is not None:
                flash(
                    f"You used a recovery code; {left} left. Make new ones under Your account "
                    "if you are running out.",
                    "warning",
                )
            return answer
        record(db.session, user, "auth.code_failed", "user", user.id)
        _failed(user.email)
        db.session.commit()
        form.code.errors.append("That code is not right, or it was used already.")
        return render_template("auth/login_code.html", form=form), 401
    return render_template("auth/login_code.html", form=form), 400 if form.errors else 200


@bp.before_app_request
def _require_two_factor():
    """With CAMPAIGN_REQUIRE_2FA_FOR_ADMINS=1, an admin without two-step login can do
    nothing but set it up (or log out)."""
    if not current_app.config["REQUIRE_2FA_FOR_ADMINS"]:
        return None
    if request.endpoint in _ALLOWED_BEFORE_ENROLMENT or request.endpoint is None:
        return None
    user = current_user
    if user.is_authenticated and user.role == Role.ADMIN and not user.two_factor_enabled:
        return redirect(url_for("account.two_factor"))
    return None


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
        reset_form=ResetTwoFactorForm(),
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


@bp.post("/admin/users/<int:user_id>/reset-two-factor")
@admin_required
def user_reset_two_factor(user_id: int):
    """Turn off someone's two-step login (a lost phone and lost recovery codes)."""
    user = db.session.get(User, user_id) or abort(404)
    form = ResetTwoFactorForm()
    if not form.validate_on_submit() or not user.two_factor_enabled:
        flash("Tick the box to confirm, then press the button again.", "warning")
        return redirect(url_for("auth.user_edit", user_id=user.id))
    twofactor.disable(db.session, user, actor=current_user)
    db.session.commit()
    flash(f"Two-step login is off for {user.email}; they were logged out everywhere.", "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.user_edit", user_id=user.id))
