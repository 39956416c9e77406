"""Sending pages: the letter by email (with a confirmation step), receipts."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error, parse_id
from campaign.delivery.services import default_sent_on, deliveries
from campaign.letters.models import Letter, LetterStatus
from campaign.letters.views import get_letter_or_404
from campaign.sending import letters
from campaign.sending.forms import LetterEmailForm
from campaign.sending.recipients import recipients_of
from campaign.targets.models import Target
from campaign.targets.services import dhs_targets, list_targets, targets_by_ids
from campaign.uploads.store import store_for

bp = Blueprint("sending", __name__)

LETTER = "/campaigns/<campaign_slug>/letters/<int:letter_id>"


def _letter_form(letter: Letter, form: LetterEmailForm | None = None) -> LetterEmailForm:
    sent = deliveries(db.session, letter)
    if form is None:
        chosen = letters.letter_targets(db.session, letter) or [
            t.id for t in dhs_targets(db.session)
        ]
        form = LetterEmailForm(
            formdata=None,
            targets=[str(i) for i in chosen],
            subject=f"Letter from {_coalition_name(letter)}: {letter.title}"[:300],
            cover=letters.default_cover(db.session, letter, sent[0] if sent else None),
            sent_on=default_sent_on(letter),
        )
    targets = list_targets(db.session)
    form.targets.choices = [(str(t.id), t.display) for t in targets]
    form.delivery_id.choices = [
        (str(d.id), f"{d.kind.label}{' ' + str(d.sequence) if d.sequence else ''} of "
                    f"{d.sent_on.isoformat()} ({d.signatory_count:,} signatories)")
        for d in sent
    ]  # fmt: skip
    form.all_targets = targets
    return form


def _coalition_name(letter: Letter) -> str:
    from campaign.campaigns.coalition import coalition_of

    return coalition_of(db.session, letter.campaign_id).name


def _chosen(form: LetterEmailForm) -> list[Target]:
    ids = [i for i in (parse_id(v) for v in form.targets.data or []) if i]
    return targets_by_ids(db.session, ids)


def _page(campaign: Campaign, letter: Letter, form: LetterEmailForm, status: int = 200):
    return render_template(
        "sending/letter_email.html", campaign=campaign, letter=letter, form=form,
        sent=letter.status == LetterStatus.SENT,
    ), status  # fmt: skip


@bp.route(f"{LETTER}/delivery/email", methods=["GET", "POST"])
@coordinator_required
def letter_email(campaign_slug: str, letter_id: int):
    """Print & send → Send by email: choose targets, check the message, confirm, send."""
    campaign = get_campaign_or_404(campaign_slug)
    letter = get_letter_or_404(campaign, letter_id)
    if letter.status not in (LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.SENT):
        flash("A draft cannot be sent: open the letter for sign-ons first.", "warning")
        return redirect(url_for("delivery.page", campaign_slug=campaign.slug, letter_id=letter.id))
    form = _letter_form(letter, LetterEmailForm() if _posted() else None)
    if not form.is_submitted():
        return _page(campaign, letter, form)
    if not form.validate():
        return _page(campaign, letter, form, 400)
    targets = _chosen(form)
    if not targets:
        form.targets.errors = ["Choose at least one target."]
        return _page(campaign, letter, form, 400)
    if form.confirmed.data != "1":
        # the confirmation step: every address, and what the coordinator should know
        return render_template(
            "sending/letter_email_confirm.html", campaign=campaign, letter=letter, form=form,
            targets=targets, recipients=recipients_of(targets),
        )  # fmt: skip
    try:
        delivery, rows, _recipients = letters.send_letter_by_email(
            db.session, letter, targets, subject=form.subject.data, cover=form.cover.data,
            sent_on=form.sent_on.data, static_dir=current_app.static_folder,
            store=store_for(current_app), actor=current_user,
            delivery_id=parse_id(form.delivery_id.data) if form.delivery_id.data else None,
            keep_collecting=not form.close.data,
        )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return _page(campaign, letter, _letter_form(letter, form), 400)
    db.session.commit()
    flash(
        f"{delivery.kind.label} emailed: {len(rows)} message(s) in the outbox, one receipt "
        f"each (PDF sha256 {delivery.pdf_sha256}).",
        "success",
    )
    return redirect(url_for("delivery.page", campaign_slug=campaign.slug, letter_id=letter.id))


def _posted() -> bool:
    from flask import request

    return request.method == "POST"


# Demand packets, the clock, bulk sends and follow-ups are routes of this blueprint too.
from campaign.sending import bulk_views, demand_views, followup_views  # noqa: E402, F401
