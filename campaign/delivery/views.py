"""The Print & send page, renders and downloads, marking a letter as sent, addenda,
stopping collection."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error
from campaign.delivery import addenda, rendering, services
from campaign.delivery.forms import DeliveryForm, PrintOptionsForm, SendForm
from campaign.delivery.models import LetterDelivery, RenderKind, RenderStatus
from campaign.delivery.snapshot import print_options
from campaign.delivery.summary import send_summary
from campaign.letters.models import Letter, LetterStatus
from campaign.letters.views import get_letter_or_404
from campaign.sending.letters import addressed_targets
from campaign.signons import consent
from campaign.uploads.attachments import read_upload, save_attachment
from campaign.uploads.store import UploadError, send_stored, store_for

bp = Blueprint("delivery", __name__)

PREFIX = "/campaigns/<campaign_slug>/letters/<int:letter_id>"


def _load(campaign_slug: str, letter_id: int) -> tuple[Campaign, Letter]:
    campaign = get_campaign_or_404(campaign_slug)
    return campaign, get_letter_or_404(campaign, letter_id)


def _kind(kind: str) -> RenderKind:
    try:
        return RenderKind(kind)
    except ValueError:
        abort(404)


def _page_url(campaign: Campaign, letter: Letter) -> str:
    return url_for("delivery.page", campaign_slug=campaign.slug, letter_id=letter.id)


def _file_name(letter: Letter, suffix: str = "") -> str:
    return f"{letter.slug}{suffix}"


def delivery_panel(letter: Letter) -> dict:
    """What the letter page shows about delivery: the frozen deliveries and the targets the
    letter is addressed to (one query each)."""
    return {
        "deliveries": services.deliveries(db.session, letter),
        "targets": addressed_targets(db.session, letter),
    }


def _render_page(campaign: Campaign, letter: Letter, status: int = 200, **forms):
    store = store_for(current_app)
    options = print_options(db.session, letter)
    options_form = forms.get("options_form")
    if options_form is None:
        options_form = PrintOptionsForm(
            grouping=str(options.grouping),
            columns=int(options.columns),
            show_places=bool(options.show_places),
            languages=options.languages or "en",
            include_logo_page=bool(options.include_logo_page),
            dated_on=options.dated_on,
            formdata=None,
        )
    sent = letter.status == LetterStatus.SENT
    delivery_form = forms.get("delivery_form")
    if delivery_form is None:
        form_class = DeliveryForm if sent else SendForm
        delivery_form = form_class(formdata=None, sent_on=services.default_sent_on(letter))
    renders, count = rendering.current_jobs(db.session, letter, store)
    all_deliveries = services.deliveries(db.session, letter)
    late = addenda.late_count(db.session, letter) if sent else 0
    withdrawals = addenda.withdrawal_count(db.session, letter) if sent else 0
    left_out = consent.awaiting_reconsent_count(db.session, letter.id)
    busy = any(j is not None and j.status in (RenderStatus.QUEUED, RenderStatus.RUNNING)
               for j in renders.values())  # fmt: skip
    return render_template(
        "delivery/page.html",
        campaign=campaign,
        letter=letter,
        options=options,
        options_form=options_form,
        delivery_form=delivery_form,
        renders=renders,
        signatories=count,
        busy=busy,
        deliveries=all_deliveries,
        late=late,
        withdrawals=withdrawals,
        left_out=left_out,
        left_out_names=consent.awaiting_reconsent_names(db.session, letter.id) if left_out else [],
        RenderKind=RenderKind,
        RenderStatus=RenderStatus,
    ), status


@bp.route(f"{PREFIX}/delivery", methods=["GET", "POST"])
@coordinator_required
def page(campaign_slug: str, letter_id: int):
    """Print & send: print options, the current PDF and .docx, marking the letter as sent."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = PrintOptionsForm()
    if not form.is_submitted():
        return _render_page(campaign, letter)
    if form.validate():
        try:
            services.save_print_options(
                db.session,
                letter,
                grouping=form.grouping.data,
                columns=form.columns.data,
                include_logo_page=form.include_logo_page.data,
                show_places=form.show_places.data,
                languages=form.languages.data or "en",
                logo=form.logo_bytes(),
                remove_logo=form.remove_logo.data,
                store=store_for(current_app),
                actor=current_user,
                dated_on=form.dated_on.data,
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Print options saved.", "success")
            return redirect(_page_url(campaign, letter))
    return _render_page(campaign, letter, 400, options_form=form)


@bp.post(f"{PREFIX}/delivery/render/<kind>")
@coordinator_required
def render(campaign_slug: str, letter_id: int, kind: str):
    """Ask for the current PDF or .docx: rendered now when the list is short, else queued."""
    campaign, letter = _load(campaign_slug, letter_id)
    render_kind = _kind(kind)
    if not ActionForm().validate_on_submit():
        abort(400)
    store = store_for(current_app)
    asked = rendering.request_render(
        db.session,
        letter,
        render_kind,
        actor=current_user,
        inline_max=int(current_app.config["RENDER_INLINE_MAX"]),
        store=store,
    )
    # Committed before rendering, so no transaction (nor SQLite's write lock) is held
    # while the file is laid out; a second coordinator meanwhile sees "in progress".
    db.session.commit()
    job = asked.job
    if asked.render_inline:
        outcome = rendering.run_claimed(job, static_dir=current_app.static_folder, store=store)
        rendering.finish(db.session, job, outcome)
        db.session.commit()
    if job.status == RenderStatus.DONE:
        return redirect(
            url_for("delivery.draft", campaign_slug=campaign.slug, letter_id=letter.id, kind=kind)
        )
    if job.status == RenderStatus.FAILED:
        flash(f"The {render_kind.label} could not be made: {job.error}", "danger")
    else:
        flash(
            f"The {render_kind.label} of {job.signatories:,} signatories is being made in the "
            "background; this page refreshes until it is ready.",
            "info",
        )
    return redirect(_page_url(campaign, letter))


@bp.route(f"{PREFIX}/delivery/draft/<kind>")
@coordinator_required
def draft(campaign_slug: str, letter_id: int, kind: str):
    """Download the current (unsent) PDF or .docx once it is made."""
    campaign, letter = _load(campaign_slug, letter_id)
    render_kind = _kind(kind)
    store = store_for(current_app)
    job = rendering.current_jobs(db.session, letter, store)[0][render_kind]
    if job is None or job.status != RenderStatus.DONE:
        flash(f"Make the {render_kind.label} first: the list or the text changed.", "warning")
        return redirect(_page_url(campaign, letter))
    return send_stored(
        store,
        job.result_sha256,
        kind=render_kind.value,
        download_name=_file_name(letter, "-draft"),
        as_attachment=True,
    )


def _receipt_bytes(form: DeliveryForm) -> bytes | None:
    """The receipt file chosen on this form, or the one the confirmation step kept (by its
    hash: a file cannot ride along in a hidden field)."""
    upload = read_upload(form.receipt)
    if upload is not None:
        return upload.data
    kept = (form.receipt_sha256.data or "").strip()
    store = store_for(current_app)
    return store.read(kept) if kept and store.exists(kept) else None


def _deliver(
    campaign_slug: str, letter_id: int, action, form_class=DeliveryForm, confirm=None, **options
):
    campaign, letter = _load(campaign_slug, letter_id)
    form = form_class()
    if form.validate_on_submit():
        details = services.DeliveryDetails(
            sent_on=form.sent_on.data,
            recipients=form.recipients.data,
            method=form.method.data,
            note=form.note.data or "",
            receipt=_receipt_bytes(form),
        )
        asking = confirm(campaign, letter, form, details) if confirm else None
        if asking is not None:
            return asking
        try:
            delivery = action(
                db.session,
                letter,
                details,
                static_dir=current_app.static_folder,
                store=store_for(current_app),
                actor=current_user,
                **{name: read(form) for name, read in options.items()},
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            after = ""
            if letter.collecting_after_delivery:
                after = " The letter keeps collecting sign-ons for an addendum."
            elif delivery.sequence == 0:
                after = " The letter no longer takes sign-ons."
            flash(
                f"{delivery.kind.label} recorded as sent on {delivery.sent_on.isoformat()} "
                f"with {delivery.signatory_count:,} signatories (sha256 {delivery.pdf_sha256})."
                + after,
                "success",
            )
            return redirect(_page_url(campaign, letter))
    return _render_page(campaign, letter, 400, delivery_form=form)


@bp.post(f"{PREFIX}/delivery/send")
@coordinator_required
def send(campaign_slug: str, letter_id: int):
    """Mark the letter as sent and freeze what was delivered; it keeps collecting for an
    addendum unless the coordinator chose to close it."""
    return _deliver(
        campaign_slug,
        letter_id,
        services.mark_as_sent,
        SendForm,
        confirm=_confirm_send,
        keep_collecting=lambda form: form.after.data != "close",
    )


def _confirm_send(campaign: Campaign, letter: Letter, form: SendForm, details):
    """None once the coordinator confirmed these very numbers; otherwise the page saying
    what Mark as sent will do (200), again with a notice if the numbers changed (409), or
    the form with its error (400)."""
    if letter.status not in services.SENDABLE:
        return None  # the service says why not
    try:
        services.check_details(details)
    except DomainError as err:
        apply_domain_error(form, err)
        return _render_page(campaign, letter, 400, delivery_form=form)
    if details.receipt is not None:
        try:  # kept now, so that the confirmation page can carry its hash
            kept = save_attachment(store_for(current_app), details.receipt)
            form.receipt_sha256.data = kept.sha256
        except UploadError as err:
            form.receipt.errors = [f"Receipt: {err.message}"]
            return _render_page(campaign, letter, 400, delivery_form=form)
    summary = send_summary(db.session, letter)
    confirmed = form.confirmed.data == "1"
    if confirmed and form.expected.data == summary.fingerprint:
        return None
    return render_template(
        "delivery/send_confirm.html",
        campaign=campaign,
        letter=letter,
        form=form,
        summary=summary,
        changed=confirmed,
        keep_collecting=form.after.data != "close",
    ), (409 if confirmed else 200)


@bp.post(f"{PREFIX}/delivery/addendum")
@coordinator_required
def addendum(campaign_slug: str, letter_id: int):
    """Deliver the sign-ons approved since the last delivery as a frozen addendum."""
    return _deliver(campaign_slug, letter_id, addenda.send_addendum)


@bp.route(f"{PREFIX}/delivery/stop", methods=["GET", "POST"])
@coordinator_required
def stop(campaign_slug: str, letter_id: int):
    """Stop collecting sign-ons after delivery: GET says what it leaves behind (counts),
    the POST from that page stops it for good."""
    campaign, letter = _load(campaign_slug, letter_id)
    if not letter.collecting_after_delivery:
        flash("This letter is not collecting sign-ons.", "warning")
        return redirect(_page_url(campaign, letter))
    form = ActionForm()
    if form.validate_on_submit():
        summary = addenda.stop_collecting(db.session, letter, actor=current_user)
        db.session.commit()
        message = "The letter no longer collects sign-ons."
        if summary.undelivered or summary.withdrawals:
            message += (
                " What was approved or withdrawn since the last delivery can still go in an "
                "addendum."
            )
        flash(message, "success")
        return redirect(_page_url(campaign, letter))
    return render_template(
        "delivery/stop.html",
        campaign=campaign,
        letter=letter,
        summary=addenda.stop_summary(db.session, letter),
        last=addenda.last_delivery(db.session, letter),
        form=form,
    )


@bp.route(f"{PREFIX}/deliveries/<int:delivery_id>/receipt")
@member_required
def delivery_receipt(campaign_slug: str, letter_id: int, delivery_id: int):
    """The receipt file kept with a delivery made outside the app."""
    _campaign, letter = _load(campaign_slug, letter_id)
    delivery = db.session.get(LetterDelivery, delivery_id)
    if delivery is None or delivery.letter_id != letter.id or not delivery.receipt_sha256:
        abort(404)
    return send_stored(
        store_for(current_app),
        delivery.receipt_sha256,
        kind=delivery.receipt_kind or "pdf",
        download_name=_file_name(letter, f"-receipt-{delivery.sent_on.isoformat()}"),
        as_attachment=True,
    )


@bp.route(f"{PREFIX}/deliveries/<int:delivery_id>/pdf")
@member_required
def delivered_pdf(campaign_slug: str, letter_id: int, delivery_id: int):
    """The exact PDF that was delivered (the same bytes every time)."""
    _campaign, letter = _load(campaign_slug, letter_id)
    delivery = db.session.get(LetterDelivery, delivery_id)
    if delivery is None or delivery.letter_id != letter.id:
        abort(404)
    suffix = f"-sent-{delivery.sent_on.isoformat()}"
    if delivery.sequence:
        suffix = f"-addendum-{delivery.sequence}-{delivery.sent_on.isoformat()}"
    return send_stored(
        store_for(current_app),
        delivery.pdf_sha256,
        kind="pdf",
        download_name=_file_name(letter, suffix),
        as_attachment=True,
    )
