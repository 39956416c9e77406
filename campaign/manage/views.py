"""The signer's manage page (no account: the link is the key), asking for a new link,
and the way in from the confirmed page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from campaign import db
from campaign.campaigns.coalition import coalition_of
from campaign.core import ratelimit
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.delivery.addenda import delivered_on
from campaign.extensions import limiter
from campaign.letters.models import Letter, LetterStatus
from campaign.manage import services
from campaign.manage.forms import ContactForm, CorrectForm, RequestLinkForm, WithdrawForm
from campaign.manage.links import manage_link_for
from campaign.manage.models import Field
from campaign.signons import services as signon_services
from campaign.signons.models import SignOnStatus

bp = Blueprint("manage", __name__)


def _limit() -> str:
    return current_app.config["SIGNON_RATE_LIMIT"]


def _letter_or_404(slug: str) -> Letter:
    letter = db.session.scalar(sa.select(Letter).where(Letter.slug == slug))
    if letter is None or letter.status == LetterStatus.DRAFT:
        abort(404)
    return letter


def _invalid(letter: Letter, status: int):
    """404: the link opens nothing (unknown, tampered, another letter's); 410: it did,
    but the letter's collection has ended."""
    return render_template(
        "manage/invalid.html",
        letter=letter,
        coalition=coalition_of(db.session, letter.campaign_id),
        gone=status == 410,
    ), status


def _open(slug: str, token: str):
    """The letter and what the token opens, or the error page to return."""
    letter = _letter_or_404(slug)
    found = services.find(db.session, letter, token)
    if found is None:
        return letter, None, _invalid(letter, 404)
    if not services.is_open(letter):
        return letter, None, _invalid(letter, 410)
    return letter, found, None


def _page(letter: Letter, found: services.Found, status: int = 200, **forms):
    signon = found.signon
    delivered = delivered_on(db.session, signon.id)
    correct = forms.get("correct") or CorrectForm(
        data={
            "signer_name": signon.signer_name,
            "signer_title": signon.signer_title,
            "listing": "list" if signon.listed else "count",
        }
    )
    return render_template(
        "manage/page.html",
        letter=letter,
        coalition=coalition_of(db.session, letter.campaign_id),
        signon=signon,
        delivered_on=delivered,
        active=signon.status in services.ACTIVE,
        corrections=services.corrections(db.session, signon),
        correct_form=correct,
        withdraw_form=WithdrawForm(),
        contact_form=forms.get("contact") or ContactForm(),
        SignOnStatus=SignOnStatus,
    ), status


@bp.get("/sign/<slug>/manage/<token>")
def page(slug: str, token: str):
    """The sign-on's status and what its signer may still change."""
    letter, found, error = _open(slug, token)
    if error is not None:
        return error
    return _page(letter, found)


def _act(slug: str, token: str, form_cls, key: str, call, done: str):
    """Validate ``form_cls``, run ``call(found, letter, form)``, commit, back to the page."""
    letter, found, error = _open(slug, token)
    if error is not None:
        return error
    form = form_cls()
    if form.validate_on_submit():
        try:
            call(found, letter, form)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            if form.form_errors:
                flash(err.message, "danger")
                form.form_errors.clear()
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("manage.page", slug=letter.slug, token=token))
    found = services.find(db.session, letter, token)
    return _page(letter, found, 400, **{key: form})


@bp.post("/sign/<slug>/manage/<token>/correct")
@limiter.limit(_limit)
def correct(slug: str, token: str):
    """Ask the coordinators to correct the signer's name, title or listing."""

    def call(found, letter, form):
        services.ask_corrections(
            db.session,
            found.signon,
            letter,
            {
                Field.SIGNER_NAME: form.signer_name.data,
                Field.SIGNER_TITLE: form.signer_title.data or "",
                Field.LISTED: form.listing.data,
            },
        )

    return _act(slug, token, CorrectForm, "correct", call,
                "Thank you: the coordinators will review your correction.")  # fmt: skip


@bp.post("/sign/<slug>/manage/<token>/withdraw")
@limiter.limit(_limit)
def withdraw(slug: str, token: str):
    """Withdraw the organization from the letter."""
    return _act(
        slug,
        token,
        WithdrawForm,
        "withdraw",
        lambda found, letter, form: services.withdraw(db.session, found.signon, letter),
        "Your organization is withdrawn from the letter.",
    )


@bp.post("/sign/<slug>/manage/<token>/contact")
@limiter.limit(_limit)
def contact(slug: str, token: str):
    """Add another contact of the organization (they confirm their own address)."""
    from campaign.signons.views import link_for

    def call(found, letter, form):
        if not ratelimit.allow("SIGNON_MAIL_LIMIT", "signons.mail", form.email.data.casefold()):
            raise DomainError(
                "Too many emails went to this address today. Please try again tomorrow.",
                field="email",
            )
        services.add_contact(
            db.session,
            found.signon,
            letter,
            name=form.name.data,
            title=form.title.data or "",
            email=form.email.data,
            link_for=link_for(letter),
        )

    return _act(slug, token, ContactForm, "contact", call,
                "We emailed them a link to confirm their address.")  # fmt: skip


@bp.route("/sign/<slug>/manage", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def request_link(slug: str):
    """Ask for a new manage link: the same answer whether the address signed or not."""
    letter = _letter_or_404(slug)
    coalition = coalition_of(db.session, letter.campaign_id)
    form = RequestLinkForm()
    if form.validate_on_submit():
        email = form.email.data
        # at most a few mails a day to one address, whoever asks for them
        if ratelimit.allow("SIGNON_MAIL_LIMIT", "signons.mail", email.casefold()):
            services.request_link(db.session, letter, email, link_for=manage_link_for(letter))
            db.session.commit()
        return render_template("manage/requested.html", letter=letter, coalition=coalition)
    status = 400 if form.errors else 200
    return render_template(
        "manage/request.html", letter=letter, coalition=coalition, form=form
    ), status


@bp.post("/sign/<slug>/confirm/<token>/manage")
@limiter.limit(_limit)
def from_confirm(slug: str, token: str):
    """From the confirmed page (its confirmation link is the proof): a fresh manage link,
    opened at once."""
    letter = _letter_or_404(slug)
    WithdrawForm().validate_on_submit()  # CSRFProtect has checked the token
    link = signon_services.find_link(db.session, letter, token)
    if link is None or link.claim is not None or link.signon.confirmed_at is None:
        return _invalid(letter, 404)
    if link.expired:
        flash("This confirmation link has expired: ask for a manage link by email.", "warning")
        return redirect(url_for("manage.request_link", slug=letter.slug))
    if not services.is_open(letter):
        return _invalid(letter, 410)
    new = services.issue_link(db.session, link.signon)
    db.session.commit()
    return redirect(url_for("manage.page", slug=letter.slug, token=new))
