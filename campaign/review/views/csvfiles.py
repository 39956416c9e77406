"""CSV in and out: the import (upload, then mapping and preview, then import) and the
two exports, streamed as they are written."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.core.downloads import csv_download
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.letters.services import latest_material_number
from campaign.review import export, importing, queries
from campaign.review import mapping as csv_mapping
from campaign.review.csvio import MAX_BYTES, CsvError, read_csv, stream_csv
from campaign.review.forms import UploadForm, mapping_form
from campaign.review.models import CsvUpload
from campaign.review.views.base import BASE, bp, list_url, load


@bp.route(BASE + "/import", methods=["GET", "POST"])
@coordinator_required
def import_upload(campaign_slug: str, letter_id: int):
    """Step 1 of an import: upload the CSV file."""
    campaign, letter = load(campaign_slug, letter_id)
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        if not file or not getattr(file, "filename", None):
            form.file.errors.append("Choose a CSV file.")
        else:
            data = file.read(MAX_BYTES + 1)
            try:
                upload = csv_mapping.store_upload(
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
    campaign, letter = load(campaign_slug, letter_id)
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
        remembered = csv_mapping.remembered_choices(db.session, csvfile.headers)
        form = mapping_form(
            csvfile.headers, data=csv_mapping.initial_mapping(csvfile.headers, remembered)
        )
    report = None
    status = 200
    valid = form.validate() if request.method == "POST" else True
    mapping = {name: getattr(form, name).data for name in csv_mapping.FIELD_NAMES}
    mapping = {k: v for k, v in mapping.items() if v}
    options = importing.Options(blank_listed=form.blank_listing.data != "count")
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
                    options=options,
                )
                db.session.commit()
                flash(
                    f"Imported {report.count('new')} sign-on(s); "
                    f"{report.count('already')} already on the letter; "
                    f"{report.count('error')} row(s) with errors left out.",
                    "success",
                )
                return redirect(list_url(campaign, letter, source="import"))
            report = importing.analyse(db.session, letter, csvfile, mapping, options=options)
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
        fields=csv_mapping.FIELDS,
    ), status


@bp.route(BASE + "/export.csv")
@coordinator_required
def export_all(campaign_slug: str, letter_id: int):
    """Every sign-on (matching the list's filters) with all fields, as CSV, streamed."""
    _campaign, letter = load(campaign_slug, letter_id)
    material = latest_material_number(db.session, letter)
    filters = queries.SignOnFilters.from_args(request.args, material_number=material)
    filters = queries.with_search(db.session, filters)  # the rows the list showed
    rows = export.all_rows(db.session, letter.id, filters)
    return csv_download(stream_csv(export.ALL_HEADER, rows), f"{letter.slug}-signons.csv")


@bp.route(BASE + "/printed.csv")
@coordinator_required
def export_printed(campaign_slug: str, letter_id: int):
    """Only the names that will be printed (approved and listed), in the letter's order."""
    _campaign, letter = load(campaign_slug, letter_id)
    rows = export.printed_rows(db.session, letter.id)
    return csv_download(stream_csv(export.PRINTED_HEADER, rows), f"{letter.slug}-signatories.csv")
