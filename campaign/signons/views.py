"""The public sign-on page (no account), the thank-you page and the confirm flow."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from campaign import db
from campaign.campaigns.coalition import coalition_of
from campaign.core import ratelimit
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error, parse_id
from campaign.core.markdown import render_markdown
from campaign.core.urls import external_url
from campaign.delivery.addenda import first_delivery
from campaign.delivery.public import public_list
from campaign.extensions import limiter
from campaign.i18n import gettext as _
from campaign.i18n import language, multilingual
from campaign.letters.embargo import EmbargoNotice, notice_for
from campaign.letters.languages import text_in
from campaign.letters.models import Letter, LetterStatus, PublicLetter
from campaign.letters.services import current_version
from campaign.signons import claims, dedup, services, signing
from campaign.signons.forms import ConfirmForm, SignOnForm
from campaign.signons.models import SignOn, SignOnStatus
from campaign.uploads.store import store_for

# every page here is a signer's: in the visitor's language (campaign.i18n)
bp = multilingual(Blueprint("signons", __name__))


def _signon_limit() -> str:
    return current_app.config["SIGNON_RATE_LIMIT"]


_BY_SLUG = sa.select(Letter).where(Letter.slug == sa.bindparam("slug"))


def _public_letter_or_404(slug: str) -> Letter:
    letter = db.session.scalar(_BY_SLUG, {"slug": slug})
    if letter is None or letter.status == LetterStatus.DRAFT:
        abort(404)
    embargo_notice(letter.id)
    return letter


def embargo_notice(letter_id: int) -> EmbargoNotice | None:
    """The embargo in force on the letter of this request's page (looked up once); its
    pages then say "noindex" (``_noindex``) and show no signatory."""
    if "embargo" not in g:
        g.embargo = notice_for(db.session, letter_id)
    return g.embargo


@bp.after_request
def _noindex(response):
    # an embargoed letter circulates by its link alone: no search engine lists it
    if g.get("embargo") is not None:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _coalition(letter: Letter):
    """Who the public pages of ``letter`` speak for (its campaign's coalition)."""
    return coalition_of(db.session, letter.campaign_id)


def link_for(letter: Letter | PublicLetter):
    """Builds a sign-on's confirmation link on CAMPAIGN_BASE_URL (the public page and the
    API)."""

    def link(signon: SignOn, token: str) -> str:
        # a Spanish signer's link opens the page in Spanish, whatever their browser says
        language = getattr(signon, "language", None) or "en"
        extra = {"lang": language} if language != "en" else {}
        return external_url("signons.confirm", slug=letter.slug, token=token, **extra)

    return link


def public_context(letter: Letter, form: SignOnForm | None = None) -> dict:
    """What the public page shows: the text, the deadline, the count, the signatories."""
    version = current_version(db.session, letter)
    form = form or SignOnForm()
    if not form.version_id.data:
        form.version_id.data = str(version.id)
    delivered = None
    if letter.status == LetterStatus.SENT:
        # the page says when and to whom it went, and where new signers go
        first = first_delivery(db.session, letter)
        delivered = first.sent_on if first is not None else None
    embargo = embargo_notice(letter.id)
    # under embargo nothing is counted or listed: not even the count leaves the database
    listing = public_list(db.session, letter) if embargo is None else None
    text = text_in(letter, version, language())  # the signer's language, when it has it
    return {
        "letter": letter,
        "text": text,
        "version": version,
        "delivered_on": delivered,
        "addressed_to": ", ".join(
            line.strip() for line in letter.addressees.splitlines() if line.strip()
        ),
        "body_html": render_markdown(text.body),
        # "organizations on the letter", counted as the PDF counts them
        "count": listing.organizations if listing is not None else None,
        "signatories": listing if listing is not None and letter.show_signatories else None,
        "embargo": embargo,
        "accepting": letter.accepts_signons(),
        "form": form,
        "coalition": coalition_of(db.session, letter.campaign_id),
    }


@bp.route("/sign/<slug>", methods=["GET", "POST"])
def sign(slug: str):
    """The letter and its sign-on form; the same thank-you page whatever happened."""
    if request.method == "POST":
        return _sign(slug)
    letter = _public_letter_or_404(slug)
    form = SignOnForm()
    if request.args.get("invite"):
        _prefill_from_invitation(letter, form, request.args["invite"])
    return render_template("signons/sign.html", **public_context(letter, form))


def _sign(slug: str):
    """The POST: check, then a short write; the form again (4xx) when refused."""
    ratelimit.hit("SIGNON_RATE_LIMIT", "signons.sign")
    with db.read_phase():
        form = SignOnForm()
        letter, version_id = signing.letter_and_version(
            db.session, slug, parse_id(form.version_id.data)
        )
        if letter is None or letter.status == LetterStatus.DRAFT:
            abort(404)
        if not letter.accepts_signons():
            return _form_again(letter, form, 403)
        valid = form.validate_on_submit()
        if valid and form.nickname.data:
            # A bot filled the honeypot: look the same as success, store nothing.
            return redirect(url_for("signons.thanks", slug=letter.slug))
        prepared = _prepare(letter, form, version_id) if valid else None
    if prepared is None:
        return _form_again(letter, form, 400)
    if not ratelimit.allow("SIGNON_MAIL_LIMIT", "signons.mail", prepared.email.casefold()):
        form.signer_email.errors.append(
            _("Too many sign-on emails went to this address today. Please try again tomorrow.")
        )
        return _form_again(letter, form, 429)
    try:
        signing.record(
            db.session, prepared, store=store_for(current_app), link_for=link_for(letter)
        )
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return _form_again(letter, form, 400)
    db.session.commit()
    return redirect(url_for("signons.thanks", slug=letter.slug))


def _form_again(public: PublicLetter, form: SignOnForm, status: int):
    """The page with the form as it was sent, its errors shown."""
    letter = db.session.get(Letter, public.id)
    return render_template("signons/sign.html", **public_context(letter, form)), status


def _prepare(
    letter: PublicLetter, form: SignOnForm, version_id: int | None
) -> signing.Prepared | None:
    """Check a valid form against the letter (no writes); None (and field errors) if refused."""
    try:
        return signing.prepare(
            db.session, letter, form.to_input(), version_id=version_id, link_for=link_for(letter)
        )
    except DomainError as err:
        apply_domain_error(form, err)
        return None


def _prefill_from_invitation(letter: Letter, form: SignOnForm, token: str) -> None:
    """An invitation link fills in the organization's details (and records the opening)."""
    from campaign.directory.invitations import (
        INVITE_SALT,
        last_listing,
        open_invitation,
        serializer,
    )

    found = open_invitation(
        db.session, letter, token, serializer(current_app.secret_key, INVITE_SALT)
    )
    if found is None:
        return  # a bad or foreign link: the blank form, as for anyone
    org, contact = found
    db.session.commit()
    form.org_name.data = org.name
    form.level.data = org.level.value
    form.state.data = org.state
    form.city.data = org.city
    form.website.data = org.website
    form.signer_name.data = contact.name
    form.signer_title.data = contact.title
    form.signer_email.data = contact.email
    # the organization's own last choice: never "list our name" over a "count us only"
    form.listing.data = "count" if last_listing(db.session, org.id) is False else "list"


@bp.route("/sign/<slug>/thanks")
def thanks(slug: str):
    """Shown after every submission, whether the organization had signed before or not."""
    letter = _public_letter_or_404(slug)
    return render_template(
        "signons/thanks.html",
        letter=letter,
        coalition=_coalition(letter),
        embargo=embargo_notice(letter.id),
    )


@bp.route("/sign/<slug>/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_signon_limit, methods=["POST"])
def confirm(slug: str, token: str):
    """GET shows a Confirm button (mail scanners confirm nothing); POST confirms.

    A second signer's link (``claims``) shows the very page a new signer's does."""
    if request.method == "POST":
        return _confirm(slug, token)
    letter = _public_letter_or_404(slug)
    link = services.find_link(db.session, letter, token)
    if link is None:
        return render_template(
            "signons/confirm_invalid.html", letter=letter, coalition=_coalition(letter)
        ), 404
    form = ConfirmForm()
    signon, claim = link.signon, link.claim
    reconfirm = claim is None and services.needs_reconfirm(db.session, signon, letter)
    version = current_version(db.session, letter)
    form.version_id.data = str(version.id)
    confirmed = claim.confirmed_at is not None if claim else signon.status != SignOnStatus.PENDING
    if confirmed and not reconfirm:
        state = "done" if claim is not None or signon.counted else "closed"
    elif not letter.takes_confirmations:
        state = "closed"
    elif link.expired:
        state = "expired"
    else:
        state = "reconfirm" if reconfirm else "confirm"
    return render_template(
        "signons/confirm.html",
        letter=letter,
        coalition=_coalition(letter),
        signon=claim or signon,  # a second signer sees what they typed, nothing else
        state=state,
        form=form,
        body_html=render_markdown(text_in(letter, version, language()).body)
        if state == "reconfirm"
        else None,
        resend_form=ActionForm(),
        # its own signer (not a second one) may manage a sign-on from here (campaign.manage)
        manageable=state == "done" and claim is None and not link.expired,
    )


def _confirm(slug: str, token: str):
    """The Confirm button: look-ups and the look for similar names first, then a short
    write (SQLite's write lock is not held while names are compared)."""
    with db.read_phase():
        letter = _public_letter_or_404(slug)
        link = services.find_link(db.session, letter, token)
        if link is None:
            return render_template(
                "signons/confirm_invalid.html", letter=letter, coalition=_coalition(letter)
            ), 404
        signon = link.signon
        form = ConfirmForm()
        form.validate_on_submit()  # CSRFProtect has checked the token; a version id at most
        similar = (
            dedup.earlier_similar(db.session, signon)
            if link.claim is None and signon.status == SignOnStatus.PENDING
            else None
        )
    db.session.refresh(signon)  # as it is now, under the write lock (a double click)
    try:
        if link.claim is not None:
            db.session.refresh(link.claim)
            claims.confirm_claim(db.session, link.claim, signon, letter)
        else:
            services.confirm_signon(
                db.session,
                signon,
                letter,
                version_id=parse_id(form.version_id.data),
                similar=similar,
                expires_at=link.expires_at,
                by_link=True,
            )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(_("Thank you: your sign-on is confirmed."), "success")
    return redirect(url_for("signons.confirm", slug=letter.slug, token=token))


@bp.post("/sign/<slug>/confirm/<token>/resend")
@limiter.limit(_signon_limit)
def resend(slug: str, token: str):
    """Send one more link to the address that signed (for an expired one)."""
    letter = _public_letter_or_404(slug)
    link = services.find_link(db.session, letter, token)
    if link is None:
        return render_template(
            "signons/confirm_invalid.html", letter=letter, coalition=_coalition(letter)
        ), 404
    ActionForm().validate_on_submit()
    try:
        if link.claim is not None:
            claims.resend_claim(
                db.session, link.claim, link.signon, letter, link_for=link_for(letter)
            )
        else:
            services.resend_link(db.session, link.signon, letter, link_for=link_for(letter))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return redirect(url_for("signons.confirm", slug=letter.slug, token=token))
    db.session.commit()
    return render_template("signons/resent.html", letter=letter, coalition=_coalition(letter))
