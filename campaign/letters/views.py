"""Coordinator pages for letters: create, edit, status, versions, preview, re-confirm."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.auth.models import Role
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error
from campaign.core.markdown import render_markdown
from campaign.core.urls import external_url
from campaign.db import utcnow
from campaign.letters.forms import LetterForm, StatusForm
from campaign.letters.models import Letter, LetterStatus
from campaign.letters.services import (
    TRANSITIONS,
    SpanishText,
    change_status,
    create_letter,
    latest_material_number,
    letters_for_campaign,
    publish_letter,
    update_letter,
    versions,
)
from campaign.responses.letter_page import letter_aftermath
from campaign.signons import services as signon_services
from campaign.signons.models import SignOn, SignOnStatus
from campaign.uploads.store import send_stored, store_for

bp = Blueprint("letters", __name__)


def get_letter_or_404(campaign: Campaign, letter_id: int) -> Letter:
    """The letter with this id in this campaign, or a 404 (never another campaign's)."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.campaign_id != campaign.id:
        abort(404)
    return letter


def _load(campaign_slug: str, letter_id: int) -> tuple[Campaign, Letter]:
    campaign = get_campaign_or_404(campaign_slug)
    return campaign, get_letter_or_404(campaign, letter_id)


def letters_section(campaign: Campaign):
    """The campaign page's list of letters with their counts."""
    rows = letters_for_campaign(db.session, campaign)
    counts = signon_services.on_letter_counts(db.session, [r.id for r in rows])
    return "letters/_section.html", {"letters": rows, "counts": counts, "campaign": campaign}


@bp.route("/campaigns/<campaign_slug>/letters/new", methods=["GET", "POST"])
@coordinator_required
def new(campaign_slug: str):
    """Draft a new letter."""
    campaign = get_campaign_or_404(campaign_slug)
    form = LetterForm()
    del form.material
    if form.validate_on_submit():
        try:
            letter = create_letter(
                db.session,
                campaign,
                slug=form.slug.data or None,
                actor=current_user,
                **_letter_fields(form),
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(f"Letter “{letter.title}” saved as a draft.", "success")
            return redirect(
                url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id)
            )
    status = 400 if form.errors else 200
    return render_template("letters/new.html", form=form, campaign=campaign), status


def _letter_fields(form: LetterForm) -> dict:
    """The letter's own fields as typed, for creating or updating it."""
    return {
        "title": form.title.data,
        "addressees": form.addressees.data,
        "body": form.body.data,
        "closing": form.closing.data or "",
        "sender": form.sender.data or "",
        "deadline_on": form.deadline_on.data,
        "deadline_time": form.deadline_time.data,
        "deadline_tz": form.deadline_tz.data,
        "show_signatories": form.show_signatories.data,
        "auto_approve": form.auto_approve.data,
        "spanish": SpanishText(
            bilingual=form.bilingual.data,
            title=form.title_es.data or "",
            addressees=form.addressees_es.data or "",
            body=form.body_es.data or "",
            closing=form.closing_es.data or "",
            sender=form.sender_es.data or "",
        ),
    }


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>")
@member_required
def detail(campaign_slug: str, letter_id: int):
    """A letter: status, counts per version; for coordinators the sign-ons themselves."""
    campaign, letter = _load(campaign_slug, letter_id)
    all_versions = versions(db.session, letter)
    per_version = signon_services.version_counts(db.session, letter)
    is_coordinator = current_user.has_role(Role.COORDINATOR)
    reconfirm = None
    # members see the counts too; the list itself, with filters and actions, is the
    # coordinators' review page (campaign.review)
    status_counts = signon_services.status_counts(db.session, letter)
    if is_coordinator:
        reconfirm = signon_services.needing_reconfirm(db.session, letter)
    status_form = StatusForm()
    # A draft is published by its own action (letters.publish), which says what happens;
    # "sent" is Print & send's own action: it freezes what was delivered.
    status_form.status.choices = [
        (s.value, s.label)
        for s in LetterStatus
        if s in TRANSITIONS[letter.status]
        and letter.status != LetterStatus.DRAFT
        and s != LetterStatus.SENT
    ]
    return render_template(
        "letters/detail.html",
        campaign=campaign,
        letter=letter,
        versions=all_versions,
        per_version=per_version,
        total=sum(per_version.values()),
        on_letter=signon_services.on_letter_count(db.session, letter),
        awaiting_review=status_counts[SignOnStatus.CONFIRMED],
        status_counts=status_counts,
        reconfirm=reconfirm,
        status_form=status_form,
        material_number=latest_material_number(db.session, letter),
        accepting=letter.accepts_signons(),
        deadline_ahead=utcnow() < letter.deadline_at,
        today=local_today(),
        **letter_aftermath(db.session, letter, local_today()),
    )


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(campaign_slug: str, letter_id: int):
    """Edit a letter; a changed text becomes a new version."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = LetterForm(obj=letter)
    del form.slug
    if request.method == "GET":
        local = letter.deadline_local
        form.deadline_on.data, form.deadline_time.data = local.date(), local.time()
    if form.validate_on_submit():
        try:
            version = update_letter(
                db.session,
                letter,
                material=form.material.data,
                actor=current_user,
                **_letter_fields(form),
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            if version is not None:
                flash(
                    f"Saved as version {version.number}"
                    + (
                        " (material: earlier signers must re-confirm)." if version.material else "."
                    ),
                    "success",
                )
            else:
                flash("Letter saved.", "success")
            return redirect(
                url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id)
            )
    status = 400 if form.errors else 200
    return render_template("letters/edit.html", form=form, campaign=campaign, letter=letter), status


@bp.post("/campaigns/<campaign_slug>/letters/<int:letter_id>/status")
@coordinator_required
def status(campaign_slug: str, letter_id: int):
    """Move the letter to another status."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    new = LetterStatus(form.status.data)
    if new == LetterStatus.SENT:
        flash("Mark a letter as sent from Print & send: it freezes what was delivered.", "warning")
        return redirect(url_for("delivery.page", campaign_slug=campaign.slug, letter_id=letter.id))
    if (
        new == LetterStatus.CLOSED
        and letter.status == LetterStatus.OPEN
        and request.form.get("confirmed") != "1"
    ):
        # closing has consequences for signers: say what they are, and ask once
        return render_template(
            "letters/close_confirm.html",
            campaign=campaign,
            letter=letter,
            counts=signon_services.status_counts(db.session, letter),
            deadline_ahead=letter.accepts_signons(),
            form=form,
            SignOnStatus=SignOnStatus,
        )
    try:
        change_status(db.session, letter, new, actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(f"The letter is now {letter.status.value}.", "success")
    return redirect(url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id))


@bp.post("/campaigns/<campaign_slug>/letters/<int:letter_id>/publish")
@coordinator_required
def publish(campaign_slug: str, letter_id: int):
    """Publish a draft: its public page takes sign-ons until the deadline."""
    campaign, letter = _load(campaign_slug, letter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        publish_letter(db.session, letter, actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(
            "Published: the letter takes sign-ons at its public link until the deadline. "
            "Share the link below.",
            "success",
        )
    return redirect(url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id))


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>/versions")
@member_required
def versions_page(campaign_slug: str, letter_id: int):
    """Every version of the text with how many organizations signed it."""
    campaign, letter = _load(campaign_slug, letter_id)
    return render_template(
        "letters/versions.html",
        campaign=campaign,
        letter=letter,
        versions=list(reversed(versions(db.session, letter))),
        per_version=signon_services.version_counts(db.session, letter),
        render_markdown=render_markdown,
    )


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>/preview")
@member_required
def preview(campaign_slug: str, letter_id: int):
    """The public page as signers will see it (the form does nothing here); a draft shows
    the form its signers will get once it is published."""
    campaign, letter = _load(campaign_slug, letter_id)
    from campaign.signons.views import public_context

    context = public_context(letter)
    if letter.status == LetterStatus.DRAFT:
        context["accepting"] = True
    back = url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id)
    return render_template("signons/sign.html", preview=True, back_url=back, **context)


@bp.post("/campaigns/<campaign_slug>/letters/<int:letter_id>/reconfirm")
@coordinator_required
def reconfirm(campaign_slug: str, letter_id: int):
    """Email a re-confirm link to signers of versions older than the last material edit."""
    campaign, letter = _load(campaign_slug, letter_id)
    ActionForm().validate_on_submit()
    try:
        asked = signon_services.request_reconfirm(
            db.session, letter, link_for=_link_for(letter), actor=current_user
        )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(f"Re-confirm links emailed to {asked.emailed} signer(s).", "success")
        if asked.without_address:
            n = len(asked.without_address)
            flash(
                f"{n} {'has' if n == 1 else 'have'} no email address "
                f"({'; '.join(asked.without_address)}): ask in person, then include "
                f"{'it' if n == 1 else 'each'} with the reason on "
                f"{'its' if n == 1 else 'their'} sign-on page.",
                "warning",
            )
    return redirect(url_for("letters.detail", campaign_slug=campaign.slug, letter_id=letter.id))


@bp.route("/campaigns/<campaign_slug>/letters/<int:letter_id>/signons/<int:signon_id>/logo")
@coordinator_required
def logo(campaign_slug: str, letter_id: int, signon_id: int):
    """A sign-on's logo, for coordinators."""
    _campaign, letter = _load(campaign_slug, letter_id)
    signon = db.session.get(SignOn, signon_id)
    if signon is None or signon.letter_id != letter.id or not signon.logo_sha256:
        abort(404)
    return send_stored(
        store_for(current_app),
        signon.logo_sha256,
        kind=signon.logo_kind or "",
        download_name=f"logo-{signon.id}",
    )


def _link_for(letter: Letter):
    def link(signon: SignOn, token: str) -> str:
        return external_url("signons.confirm", slug=letter.slug, token=token)

    return link
