"""Coordinator pages: the sign-on list, actions, adding by hand, CSV import and export."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import joinedload

from campaign import db
from campaign.audit.models import AuditEvent
from campaign.auth.access import coordinator_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.charts import daily_bars_svg
from campaign.core.downloads import csv_download
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.pagination import paginate, parse_page
from campaign.core.states import STATE_CHOICES
from campaign.core.urls import safe_next
from campaign.letters.services import latest_material_number
from campaign.letters.views import get_letter_or_404
from campaign.review import export, importing, queries, services
from campaign.review.csvio import MAX_BYTES, CsvError, read_csv, stream_csv
from campaign.review.forms import (
    ApproveForm,
    BulkApproveForm,
    ManualSignOnForm,
    MergeForm,
    RejectForm,
    RenameForm,
    UploadForm,
    WithdrawForm,
    mapping_form,
)
from campaign.review.models import CsvUpload
from campaign.signons.fuzzy import similarity
from campaign.signons.models import Level, SignOn, SignOnSource, SignOnStatus

bp = Blueprint("review", __name__)
BASE = "/campaigns/<campaign_slug>/letters/<int:letter_id>/signons"


def _load(campaign_slug: str, letter_id: int):
    campaign = get_campaign_or_404(campaign_slug)
    return campaign, get_letter_or_404(campaign, letter_id)


def _signon_or_404(letter, signon_id: int) -> SignOn:
    signon = queries.signon_for_page(db.session, letter, signon_id)
    if signon is None:
        abort(404)
    return signon


def _list_url(campaign, letter, **args) -> str:
    return url_for("review.index", campaign_slug=campaign.slug, letter_id=letter.id, **args)


@bp.route(BASE)
@coordinator_required
def index(campaign_slug: str, letter_id: int):
    """The letter's sign-ons: filters, search, counts, a chart per day, one page of rows."""
    campaign, letter = _load(campaign_slug, letter_id)
    version_numbers, material = queries.versions(db.session, letter)
    filters = queries.SignOnFilters.from_args(request.args, material_number=material)
    counts = queries.counts(db.session, letter)
    # a page of ids first, then only those rows with what they show
    page = paginate(
        db.session,
        queries.ordered_ids(letter, filters),
        page=parse_page(request.args.get("page")),
        total=queries.matching_count(db.session, letter, filters, counts),
    )
    page = replace(page, items=queries.signons_for_list(db.session, page.items))
    return render_template(
        "review/index.html",
        campaign=campaign,
        letter=letter,
        filters=filters,
        page=page,
        counts=counts,
        chart=daily_bars_svg(queries.per_day(db.session, letter), title="Sign-ons per day"),
        version_numbers=version_numbers,
        material_number=material,
        bulk_form=BulkApproveForm(),
        approve_form=ApproveForm(),
        Level=Level,
        SignOnStatus=SignOnStatus,
        SignOnSource=SignOnSource,
        state_choices=STATE_CHOICES,
        can_approve=lambda s: services.can_move(s, SignOnStatus.APPROVED),
    )


@bp.post(BASE + "/bulk-approve")
@coordinator_required
def bulk_approve(campaign_slug: str, letter_id: int):
    """Approve confirmed sign-ons: all, those matching the filters, or those ticked."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = BulkApproveForm()
    material = latest_material_number(db.session, letter)
    filters = queries.SignOnFilters.from_args(request.form, material_number=material)
    if not form.validate_on_submit():
        flash("Choose which sign-ons to approve.", "danger")
        return redirect(_list_url(campaign, letter, **filters.as_args()))
    ids = None
    if form.scope.data == "selected":
        ids = [int(v) for v in request.form.getlist("ids") if v.isdigit() and len(v) < 12]
        if not ids:
            flash("Tick the sign-ons to approve first.", "warning")
            return redirect(_list_url(campaign, letter, **filters.as_args()))
    if form.scope.data != "filtered":
        filters = queries.SignOnFilters(material_number=material)
    try:
        n = services.bulk_approve(db.session, letter, actor=current_user, filters=filters, ids=ids)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
    else:
        db.session.commit()
        flash(f"{n} sign-on{'' if n == 1 else 's'} approved.", "success")
    return redirect(_list_url(campaign, letter, **filters.as_args()))


def _merge_choices(letter, signon: SignOn) -> list[tuple[int, str]]:
    """The flagged original first, then the most similar names in the same state."""
    rows = db.session.execute(
        sa.select(SignOn.id, SignOn.org_name, SignOn.org_key, SignOn.status).where(
            SignOn.letter_id == letter.id,
            SignOn.state == signon.state,
            SignOn.id != signon.id,
            SignOn.status != SignOnStatus.MERGED,
        )
    ).all()
    scored = sorted(
        rows,
        key=lambda r: (r.id != signon.probable_duplicate_of_id, -similarity(signon.org_key, r[2])),
    )
    return [(r.id, f"{r.org_name} (#{r.id}, {r.status.value})") for r in scored[:15]]


def _detail(campaign, letter, signon: SignOn, status: int = 200, **forms):
    history = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity == "sign_on", AuditEvent.entity_id == signon.id)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    merge_form = forms.get("merge") or MergeForm()
    merge_form.into.choices = _merge_choices(letter, signon)
    rename_form = forms.get("rename") or RenameForm(data={"org_name": signon.org_name})
    allowed = {s.value: services.can_move(signon, s) for s in SignOnStatus}
    return render_template(
        "review/detail.html",
        campaign=campaign,
        letter=letter,
        signon=signon,
        history=history,
        allowed=allowed,
        approve_form=ApproveForm(),
        reject_form=forms.get("reject") or RejectForm(),
        withdraw_form=forms.get("withdraw") or WithdrawForm(),
        merge_form=merge_form,
        rename_form=rename_form,
        material_number=latest_material_number(db.session, letter),
    ), status


@bp.route(BASE + "/<int:signon_id>")
@coordinator_required
def detail(campaign_slug: str, letter_id: int, signon_id: int):
    """One sign-on: every field, its history, and the actions its status allows."""
    campaign, letter = _load(campaign_slug, letter_id)
    return _detail(campaign, letter, _signon_or_404(letter, signon_id))


def _act(campaign_slug, letter_id, signon_id, form_cls, key, call, done):
    """Validate ``form_cls``, run ``call(signon, letter, form)``, commit, flash ``done``."""
    campaign, letter = _load(campaign_slug, letter_id)
    signon = _signon_or_404(letter, signon_id)
    form = form_cls()
    if key == "merge":
        form.into.choices = _merge_choices(letter, signon)
    if form.validate_on_submit():
        try:
            call(signon, letter, form)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            if not form.errors and form.form_errors:
                flash(err.message, "danger")
        else:
            db.session.commit()
            flash(done(signon), "success")
            target = safe_next(form.next.data) or url_for(
                "review.detail",
                campaign_slug=campaign.slug,
                letter_id=letter.id,
                signon_id=signon.id,
            )
            return redirect(target)
    signon = _signon_or_404(letter, signon_id)
    return _detail(campaign, letter, signon, 400, **{key: form})


@bp.post(BASE + "/<int:signon_id>/approve")
@coordinator_required
def approve(campaign_slug: str, letter_id: int, signon_id: int):
    """Approve one sign-on."""
    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        ApproveForm,
        "approve",
        lambda s, letter, f: services.approve(db.session, s, letter, actor=current_user),
        lambda s: f"“{s.org_name}” approved.",
    )


@bp.post(BASE + "/<int:signon_id>/reject")
@coordinator_required
def reject(campaign_slug: str, letter_id: int, signon_id: int):
    """Reject one sign-on, with a reason."""
    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        RejectForm,
        "reject",
        lambda s, letter, f: services.reject(
            db.session, s, letter, reason=f.reason.data, actor=current_user
        ),
        lambda s: f"“{s.org_name}” rejected.",
    )


@bp.post(BASE + "/<int:signon_id>/withdraw")
@coordinator_required
def withdraw(campaign_slug: str, letter_id: int, signon_id: int):
    """Mark a sign-on withdrawn at the organization's request."""
    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        WithdrawForm,
        "withdraw",
        lambda s, letter, f: services.withdraw(
            db.session, s, letter, asked_on=f.asked_on.data, actor=current_user
        ),
        lambda s: f"“{s.org_name}” marked withdrawn.",
    )


def _merge(signon, letter, form):
    original = db.session.get(SignOn, form.into.data)
    if original is None:
        raise DomainError("Choose another sign-on of this letter to merge into.", field="into")
    services.merge(db.session, signon, original, letter, actor=current_user)


@bp.post(BASE + "/<int:signon_id>/merge")
@coordinator_required
def merge(campaign_slug: str, letter_id: int, signon_id: int):
    """Merge this (duplicate) sign-on into another."""
    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        MergeForm,
        "merge",
        _merge,
        lambda s: f"“{s.org_name}” merged into sign-on #{s.merged_into_id}.",
    )


@bp.post(BASE + "/<int:signon_id>/rename")
@coordinator_required
def rename(campaign_slug: str, letter_id: int, signon_id: int):
    """Correct the organization's display name."""
    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        RenameForm,
        "rename",
        lambda s, letter, f: services.rename(
            db.session, s, letter, name=f.org_name.data, actor=current_user
        ),
        lambda s: f"The name now reads “{s.org_name}”.",
    )


@bp.route(BASE + "/new", methods=["GET", "POST"])
@coordinator_required
def add(campaign_slug: str, letter_id: int):
    """Add a sign-on gathered by phone or on paper (no email is sent)."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = ManualSignOnForm()
    if form.validate_on_submit():
        data = services.ManualInput(
            org_name=form.org_name.data,
            level=form.level.data,
            state=form.state.data or "",
            city=form.city.data or "",
            website=form.website.data or "",
            signer_name=form.signer_name.data,
            signer_title=form.signer_title.data or "",
            signer_email=form.signer_email.data or "",
            listed=form.listed.data,
            comment=form.comment.data or "",
        )
        try:
            signon = services.add_manual(
                db.session, letter, data, approved=form.approved.data, actor=current_user
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(f"“{signon.org_name}” added ({signon.status.value}).", "success")
            return redirect(url_for("review.add", campaign_slug=campaign.slug, letter_id=letter.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("review/add.html", campaign=campaign, letter=letter, form=form), status


@bp.route(BASE + "/import", methods=["GET", "POST"])
@coordinator_required
def import_upload(campaign_slug: str, letter_id: int):
    """Step 1 of an import: upload the CSV file."""
    campaign, letter = _load(campaign_slug, letter_id)
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        if not file or not getattr(file, "filename", None):
            form.file.errors.append("Choose a CSV file.")
        else:
            data = file.read(MAX_BYTES + 1)
            try:
                upload = importing.store_upload(
                    db.session, letter, data, filename=file.filename, actor=current_user
                )
            except DomainError as err:
                db.session.rollback()
                apply_domain_error(form, err)
            else:
                db.session.commit()
                return redirect(
                    url_for(
                        "review.import_map",
                        campaign_slug=campaign.slug,
                        letter_id=letter.id,
                        upload_id=upload.id,
                    )
                )
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "review/import_upload.html", campaign=campaign, letter=letter, form=form
    ), status


@bp.route(BASE + "/import/<int:upload_id>", methods=["GET", "POST"])
@coordinator_required
def import_map(campaign_slug: str, letter_id: int, upload_id: int):
    """Step 2: map the file's columns to fields, preview the rows, import the good ones."""
    campaign, letter = _load(campaign_slug, letter_id)
    upload = db.session.get(CsvUpload, upload_id)
    if upload is None or upload.letter_id != letter.id:
        abort(404)
    try:
        csvfile = read_csv(upload.data)
    except CsvError as err:
        abort(400, err.message)
    if request.method == "POST":
        form = mapping_form(csvfile.headers, formdata=request.form)
    else:
        remembered = importing.remembered_mapping(db.session, campaign.id)
        form = mapping_form(
            csvfile.headers, data=importing.initial_mapping(csvfile.headers, remembered)
        )
    report = None
    status = 200
    valid = form.validate() if request.method == "POST" else True
    mapping = {name: getattr(form, name).data for name in importing.FIELD_NAMES}
    mapping = {k: v for k, v in mapping.items() if v}
    if valid:
        try:
            if request.method == "POST" and request.form.get("action") == "import":
                report = importing.import_rows(
                    db.session,
                    letter,
                    upload,
                    mapping,
                    approved=form.approved.data,
                    actor=current_user,
                )
                db.session.commit()
                flash(
                    f"Imported {report.count('new')} sign-on(s); "
                    f"{report.count('already')} already on the letter; "
                    f"{report.count('error')} row(s) with errors left out.",
                    "success",
                )
                return redirect(_list_url(campaign, letter, source="import"))
            report = importing.analyse(db.session, letter, csvfile, mapping)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            status = 400
    else:
        status = 400
    return render_template(
        "review/import_map.html",
        campaign=campaign,
        letter=letter,
        upload=upload,
        csvfile=csvfile,
        form=form,
        report=report,
        fields=importing.FIELDS,
    ), status


@bp.route(BASE + "/export.csv")
@coordinator_required
def export_all(campaign_slug: str, letter_id: int):
    """Every sign-on (matching the list's filters) with all fields, as CSV, streamed."""
    _campaign, letter = _load(campaign_slug, letter_id)
    material = latest_material_number(db.session, letter)
    filters = queries.SignOnFilters.from_args(request.args, material_number=material)
    rows = export.all_rows(db.session, letter.id, filters, material)
    return csv_download(stream_csv(export.ALL_HEADER, rows), f"{letter.slug}-signons.csv")


@bp.route(BASE + "/printed.csv")
@coordinator_required
def export_printed(campaign_slug: str, letter_id: int):
    """Only the names that will be printed (approved and listed), in the letter's order."""
    _campaign, letter = _load(campaign_slug, letter_id)
    rows = export.printed_rows(db.session, letter.id)
    return csv_download(stream_csv(export.PRINTED_HEADER, rows), f"{letter.slug}-signatories.csv")
