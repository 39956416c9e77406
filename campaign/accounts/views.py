"""Your account: see it, change your password, two-step login, log out your other sessions."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from itsdangerous import BadData, URLSafeTimedSerializer

from campaign import db
from campaign.accounts.forms import (
    LogoutOthersForm,
    PasswordChangeForm,
    PasswordConfirmForm,
    TwoFactorEnableForm,
)
from campaign.auth import twofactor
from campaign.auth.login import lifetime, log_in
from campaign.auth.models import Role
from campaign.auth.passwords import verify_password
from campaign.auth.services import change_own_password, log_out_everywhere
from campaign.auth.sessions import count_sessions
from campaign.campaigns.coalition import instance_coalition
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
        "accounts/index.html",
        user=user,
        sessions=sessions,
        logout_form=LogoutOthersForm(),
        codes_left=twofactor.codes_left(db.session, user) if user.two_factor_enabled else None,
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


# The secret being set up travels in the form, signed and bound to the user, until the
# first code proves the app has it: nothing is stored before that.
_SETUP_SALT = "two-factor-setup"
_SETUP_SECONDS = 30 * 60


def _setup_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SETUP_SALT)


def _setup_secret(token: str, user_id: int) -> str | None:
    try:
        data = _setup_signer().loads(token, max_age=_SETUP_SECONDS)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("user") != user_id:
        return None
    secret = data.get("secret")
    return secret if isinstance(secret, str) else None


def _issuer() -> str:
    # the name the authenticator app lists the account under
    return instance_coalition(db.session).name


def _setup_page(user, form: TwoFactorEnableForm, secret: str, status: int = 200):
    uri = twofactor.provisioning_uri(secret, email=user.email, issuer=_issuer())
    form.setup.data = _setup_signer().dumps({"user": user.id, "secret": secret})
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    required = _required(user)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        qr=twofactor.qr_svg(uri),
        secret=grouped,
        required=required,
    ), status


def _required(user) -> bool:
    return bool(current_app.config["REQUIRE_2FA_FOR_ADMINS"]) and user.role == Role.ADMIN


def _codes_page(codes: list[str]):
    response = make_response(render_template("accounts/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Two-step login: set it up (QR code, first code), or see and manage it."""
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        if request.method == "POST":
            abort(409)
        return render_template(
            "accounts/two_factor.html",
            codes_left=twofactor.codes_left(db.session, user),
            codes_form=PasswordConfirmForm(prefix="codes"),
            off_form=PasswordConfirmForm(prefix="off"),
            required=_required(user),
        )
    form = TwoFactorEnableForm()
    if request.method == "GET":
        return _setup_page(user, form, twofactor.new_secret())
    secret = _setup_secret(form.setup.data or "", user.id)
    if secret is None:
        flash("The set-up page was too old; here is a new code to scan.", "warning")
        return redirect(url_for("account.two_factor"))
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(db.session, user, secret=secret, code=form.code.data)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            log_in(user)  # turning it on ended every session; this browser carries on
            flash("Two-step login is on. Every other session was logged out.", "success")
            return _codes_page(codes)
    return _setup_page(user, form, secret, 400)


def _confirmed_password(form: PasswordConfirmForm, user) -> bool:
    if not form.validate_on_submit():
        return False
    if verify_password(user.password_hash, form.password.data):
        return True
    form.password.errors.append("That is not your password.")
    return False


@bp.post("/two-factor/recovery-codes")
@login_required
def recovery_codes():
    """New recovery codes (your password first); the old ones stop working."""
    user = current_user._get_current_object()
    form = PasswordConfirmForm(prefix="codes")
    if not user.two_factor_enabled:
        return redirect(url_for("account.two_factor"))
    if _confirmed_password(form, user):
        codes = twofactor.regenerate_codes(db.session, user)
        db.session.commit()
        return _codes_page(codes)
    return render_template(
        "accounts/two_factor.html",
        codes_left=twofactor.codes_left(db.session, user),
        codes_form=form,
        off_form=PasswordConfirmForm(prefix="off"),
        required=_required(user),
    ), 400


@bp.post("/two-factor/off")
@login_required
def two_factor_off():
    """Turn two-step login off (your password first)."""
    user = current_user._get_current_object()
    form = PasswordConfirmForm(prefix="off")
    if not user.two_factor_enabled:
        return redirect(url_for("account.two_factor"))
    if _confirmed_password(form, user):
        try:
            twofactor.disable(db.session, user, actor=user, required=_required(user))
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "warning")
            return redirect(url_for("account.two_factor"))
        db.session.commit()
        log_in(user)
        flash("Two-step login is off. Every other session was logged out.", "success")
        return redirect(url_for("account.index"))
    return render_template(
        "accounts/two_factor.html",
        codes_left=twofactor.codes_left(db.session, user),
        codes_form=PasswordConfirmForm(prefix="codes"),
        off_form=form,
        required=_required(user),
    ), 400
