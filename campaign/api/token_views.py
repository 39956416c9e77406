"""Personal API tokens on the account page: create (shown once), list, revoke; an admin
sees and revokes everyone's."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from campaign import db
from campaign.api import tokens
from campaign.api.forms import TokenForm
from campaign.api.models import ApiToken
from campaign.auth.access import admin_required
from campaign.auth.models import Role
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """Your tokens, and the form for a new one; a new token is shown on this page once."""
    user = current_user._get_current_object()
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            token, raw = tokens.create_token(
                db.session, user, name=form.name.data, scopes=form.scopes.data
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            created = (token, raw)
            form = TokenForm(formdata=None)
    status = 400 if form.errors else 200
    page = render_template(
        "api/tokens.html",
        form=form,
        created=created,
        tokens=tokens.tokens_of(db.session, user),
        revoke_form=ActionForm(),
    )
    # the page holding a new token must not stay in a cache or the browser's history
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of your tokens (an admin: anyone's)."""
    token = db.session.get(ApiToken, token_id)
    user = current_user._get_current_object()
    if token is None or (token.user_id != user.id and not user.has_role(Role.ADMIN)):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    tokens.revoke_token(db.session, token, actor=user)
    db.session.commit()
    flash(f"The token “{token.name}” is revoked.", "success")
    if token.user_id != user.id:
        return redirect(url_for("api_tokens.everyone"))
    return redirect(url_for("api_tokens.index"))


@bp.get("/all")
@admin_required
def everyone():
    """Every account's tokens (admins)."""
    return render_template(
        "api/all_tokens.html", rows=tokens.all_tokens(db.session), revoke_form=ActionForm()
    )
