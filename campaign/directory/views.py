"""Directory pages: the list, an organization, merge and undo (forgetting a contact is
campaign.privacy's)."""

from __future__ import annotations

import base64
import binascii

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.coalition import instance_coalition
from campaign.core.downloads import csv_download
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error
from campaign.core.pagination import paginate, parse_page
from campaign.core.states import STATE_CHOICES
from campaign.core.urls import external_url
from campaign.directory import csvport, invitations, queries, services
from campaign.directory.forms import InviteForm, MergeForm
from campaign.directory.models import Organization
from campaign.i18n import multilingual
from campaign.letters.models import Letter
from campaign.review.csvio import MAX_BYTES, read_csv, stream_csv
from campaign.signons.models import Level
from campaign.uploads.attachments import clean_filename

bp = Blueprint("directory", __name__)


def _org_or_404(org_id: int) -> Organization:
    org = queries.organization_for_page(db.session, org_id)
    if org is None:
        abort(404)
    return org


@bp.route("/directory")
@member_required
def index():
    """Organizations: search by name or contact email, filter by level, state, activity."""
    filters = queries.DirectoryFilters.from_args(request.args)
    total, more = queries.matching_count(db.session, filters)
    if filters.q and not total:
        # nothing found: words that start no indexed word are searched by near spellings
        filters = filters.with_search(db.session)
        total, more = queries.matching_count(db.session, filters)
    page = paginate(
        db.session,
        queries.filtered_query(filters),
        page=parse_page(request.args.get("page")),
        scalars=False,
        total=total,
        more=more,
    )
    return render_template(
        "directory/index.html",
        page=page,
        filters=filters,
        Level=Level,
        state_choices=STATE_CHOICES,
        activity=queries.ACTIVITY,
    )


@bp.route("/directory/<int:org_id>")
@member_required
def detail(org_id: int):
    """An organization: contacts, every letter it signed, merges and suggested duplicates."""
    org = _org_or_404(org_id)
    merged_into = db.session.get(Organization, org.merged_into_id) if org.merged_into_id else None
    return render_template(
        "directory/detail.html",
        org=org,
        merged_into=merged_into,
        signed=queries.signed_letters(db.session, org),
        duplicates=queries.probable_duplicates(db.session, org) if not merged_into else [],
        merged_from=queries.merged_from(db.session, org),
        merge_events=queries.merge_events(db.session, org),
        merge_form=MergeForm(),
        action_form=ActionForm(),
    )


@bp.post("/directory/<int:org_id>/merge")
@coordinator_required
def merge(org_id: int):
    """Merge this organization into another one."""
    source = _org_or_404(org_id)
    form = MergeForm()
    if not form.validate_on_submit():
        flash("Give the number of the organization to merge into.", "danger")
        return redirect(url_for("directory.detail", org_id=org_id)), 303
    target = db.session.get(Organization, form.target_id.data)
    if target is None:
        flash("There is no organization with that number.", "danger")
        return redirect(url_for("directory.detail", org_id=org_id)), 303
    try:
        services.merge(db.session, source, target, actor=current_user)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return redirect(url_for("directory.detail", org_id=org_id)), 303
    db.session.commit()
    flash(f"“{source.name}” merged into “{target.name}”. The merge can be undone.", "success")
    return redirect(url_for("directory.detail", org_id=target.id))


@bp.post("/directory/merges/<int:event_id>/undo")
@coordinator_required
def undo_merge(event_id: int):
    """Reverse a merge from its audit record."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        event = services.merge_event(db.session, event_id)
        source = services.undo_merge(db.session, event, actor=current_user)
    except DomainError as err:
        db.session.rollback()
        if err.status_code == 404:
            abort(404)
        flash(err.message, "danger")
        return redirect(url_for("directory.index")), 303
    db.session.commit()
    flash(f"The merge was undone: “{source.name}” is back on its own.", "success")
    return redirect(url_for("directory.detail", org_id=source.id))


def _signers():
    secret = current_app.secret_key
    return (
        invitations.serializer(secret, invitations.INVITE_SALT),
        invitations.serializer(secret, invitations.UNSUBSCRIBE_SALT),
    )


def _letter_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Letter.id, Letter.title, Letter.status).order_by(Letter.id.desc()).limit(500)
    )
    return [(lid, f"{title} ({status.value})") for lid, title, status in rows]


@bp.route("/directory/invite", methods=["GET", "POST"])
@coordinator_required
def invite():
    """Invite organizations to sign a letter: one personal email per contact, never twice."""
    filters = queries.DirectoryFilters.from_args(request.values).with_search(db.session)
    form = InviteForm()
    choices = _letter_choices()
    form.letter_id.choices = [(lid, label) for lid, label in choices if "(open)" in label]
    form.signed_letter_id.choices = choices
    status = 200
    plan = letter = None
    if form.validate_on_submit():
        letter = db.session.get(Letter, form.letter_id.data)
        if form.scope.data == "signed":
            org_ids = invitations.organizations_signed(db.session, form.signed_letter_id.data)
        else:
            org_ids = [org.id for org, *_ in db.session.execute(queries.filtered_query(filters))]
        invite_signer, unsubscribe_signer = _signers()
        slug = letter.slug if letter is not None else ""
        try:
            if letter is None:
                raise DomainError("Choose a letter.", field="letter_id")
            plan = invitations.plan_invitations(db.session, letter, org_ids)
            if not plan.count or request.form.get("confirm") != str(plan.count):
                # first say what sending would do; the coordinator confirms that number (if
                # it changed meanwhile, the new one is shown instead of being sent)
                return _invite_page(
                    form, filters, choices, plan, letter, changed="confirm" in request.form
                )
            queued, skipped = invitations.invite(
                db.session,
                letter,
                plan,
                actor=current_user,
                invite_signer=invite_signer,
                unsubscribe_signer=unsubscribe_signer,
                sign_link=lambda t: external_url("signons.sign", slug=slug, invite=t),
                unsubscribe_link=lambda t: external_url("directory.unsubscribe", token=t),
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            status = 400
        else:
            db.session.commit()
            flash(
                f"{queued} invitation(s) queued; {skipped} contact(s) skipped (already "
                "invited, unsubscribed, or their organization is on the letter).",
                "success",
            )
            return redirect(url_for("directory.invite", **filters.as_args()))
    elif form.is_submitted():
        status = 400
    return _invite_page(form, filters, choices, status=status)


def _invite_page(form, filters, choices, plan=None, letter=None, *, changed=False, status=200):
    """The invite form, and when asked, what sending would do (the confirmation step)."""
    count = queries.matching_count(db.session, filters, exact=True)[0]
    return render_template(
        "directory/invite.html",
        form=form,
        filters=filters,
        matching=count,
        stats=invitations.invitation_stats(db.session),
        letters=dict(choices),
        plan=plan,
        letter=letter,
        changed=changed,
    ), status


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@multilingual
def unsubscribe(token: str):
    """The one-click unsubscribe of an invitation: a page with a button (a POST)."""
    _, unsubscribe_signer = _signers()
    contact = invitations.contact_for_unsubscribe(db.session, token, unsubscribe_signer)
    if contact is None:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        services.unsubscribe(db.session, contact)
        db.session.commit()
        return render_template(
            "directory/unsubscribe.html",
            done=True,
            form=form,
            coalition=instance_coalition(db.session),
        )
    status = 400 if form.is_submitted() else 200
    return render_template(
        "directory/unsubscribe.html",
        done=contact.unsubscribed_at is not None,
        form=form,
        coalition=instance_coalition(db.session),
    ), status


@bp.route("/directory/export.csv")
@coordinator_required
def export_csv():
    """The directory (as filtered) as CSV, streamed: one row per organization and contact."""
    filters = queries.DirectoryFilters.from_args(request.args).with_search(db.session)
    rows = csvport.export_rows(db.session, filters)
    return csv_download(stream_csv(csvport.EXPORT_HEADER, rows), "directory.csv")


@bp.route("/directory/import", methods=["GET", "POST"])
@coordinator_required
def import_csv():
    """Upload a CSV, check the column mapping and the per-row preview, then import.

    The file travels in the mapping form (base64) rather than being stored: the
    directory import is small and the coordinator's own.
    """
    form = ActionForm()
    context = {"form": form, "fields": csvport.FIELDS, "error": None}
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("directory/import.html", **context), status
    upload = request.files.get("file")
    # shown and audited only, never a path: no folders, NUL or RTL override characters
    filename = clean_filename(
        upload.filename if upload and upload.filename else request.form.get("filename"), default=""
    )
    if not (upload and upload.filename) and not request.form.get("data"):
        context["error"] = "Choose a CSV file to upload."
        return render_template("directory/import.html", **context), 400
    try:
        if upload is not None and upload.filename:
            data = upload.read(MAX_BYTES + 1)
            mapping = None
        else:
            data = base64.b64decode(request.form.get("data", ""), validate=True)
            mapping = {
                name: request.form.get(f"map_{name}", "")
                for name in csvport.FIELD_NAMES
                if request.form.get(f"map_{name}", "")
            }
        csvfile = read_csv(data)
        if mapping is None:
            mapping = csvport.guess_mapping(csvfile.headers)
        # a fresh upload is always previewed first
        apply = request.form.get("action") == "import" and not (upload and upload.filename)
        if mapping.get("org_name"):
            report = csvport.run_import(
                db.session,
                csvfile,
                mapping,
                actor=current_user,
                apply=apply,
                filename=filename,
            )
        else:
            # shown on the mapping page, where the column can be chosen
            context["error"] = "Choose the column that holds the organization's name."
            report, apply = csvport.Report([]), False
    except (DomainError, binascii.Error, ValueError) as err:
        db.session.rollback()
        context["error"] = getattr(err, "message", "The file could not be read; upload it again.")
        return render_template("directory/import.html", **context), 400
    if apply:
        db.session.commit()
        flash(
            f"Imported: {report.count('new')} new, {report.count('updated')} updated, "
            f"{report.count('unchanged')} unchanged, {report.count('error')} row(s) in error "
            "(left out).",
            "success",
        )
        return redirect(url_for("directory.index"))
    db.session.rollback()
    context.update(
        csvfile=csvfile,
        mapping=mapping,
        report=report,
        data=base64.b64encode(data).decode("ascii"),
        filename=filename,
    )
    return render_template("directory/import.html", **context), 400 if context["error"] else 200
