"""Evidence pages, under /evidence/ (evidence is shared by every campaign)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from campaign import db
from campaign.agencies.models import Agency
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.models import Campaign
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error, parse_id
from campaign.core.pagination import paginate, parse_page
from campaign.demands.evidence import link_evidence, link_evidence_to_many, unlink_evidence
from campaign.demands.forms import DemandFilterForm
from campaign.demands.models import Demand, DemandEvidence
from campaign.demands.queries import DemandFilters, demand_query
from campaign.evidence import services
from campaign.evidence.forms import (
    AttachmentForm,
    EvidenceFilterForm,
    EvidenceForm,
    LinkDemandForm,
    LinkMatchingForm,
    NewEvidenceForm,
)
from campaign.evidence.models import (
    EvidenceAttachment,
    EvidenceRecord,
    EvidenceType,
)
from campaign.evidence.search import evidence_query, resolve_search
from campaign.uploads.attachments import read_required_upload, read_upload, send_attachment
from campaign.uploads.store import store_for

bp = Blueprint("evidence", __name__, url_prefix="/evidence")

PER_PAGE = 50


def get_record_or_404(record_id: int) -> EvidenceRecord:
    """A live (not deleted) record with its agency, or a 404."""
    record = db.session.scalar(
        sa.select(EvidenceRecord)
        .options(joinedload(EvidenceRecord.agency), joinedload(EvidenceRecord.added_by))
        .where(EvidenceRecord.id == record_id, EvidenceRecord.deleted_at.is_(None))
    )
    return record or abort(404)


AGENCY_SECTION_LIMIT = 20


def agency_evidence_section(agency: Agency):
    """For the agency page (wired at merge): the newest records about the agency."""
    query = evidence_query(agency_id=agency.id)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    records = db.session.scalars(query.limit(AGENCY_SECTION_LIMIT)).all()
    return "evidence/_agency_section.html", {"records": records, "total": total, "agency": agency}


@bp.route("")
@member_required
def index():
    """Search records by words in title, summary and citation; filter by type, agency, state."""
    form = EvidenceFilterForm(request.args)
    filters: dict = {}
    if form.validate():
        filters = {
            "q": form.q.data,
            "type": EvidenceType(form.type.data) if form.type.data else None,
            "state": form.state.data or None,
            "agency_name": form.agency.data or None,
            "agency_id": form.agency_id.data,
        }
    number = parse_page(request.args.get("page"))
    query = evidence_query(**filters).options(joinedload(EvidenceRecord.agency))
    page = paginate(db.session, query, page=number, per_page=PER_PAGE)
    search = None
    if filters.get("q") and not page.total:
        # nothing found: words that start no indexed word are searched by near spellings
        search = resolve_search(db.session, filters["q"])
        query = evidence_query(**filters, search=search).options(joinedload(EvidenceRecord.agency))
        page = paginate(db.session, query, page=number, per_page=PER_PAGE)
    return render_template("evidence/index.html", form=form, page=page, search=search)


def _record_values(form: EvidenceForm) -> dict:
    return {
        "type": EvidenceType(form.type.data),
        "title": form.title.data,
        "event_on": form.event_on.data,
        "source_url": form.source_url.data,
        "citation": form.citation.data or "",
        "summary": form.summary.data or "",
        "agency": services.resolve_agency(
            db.session, form.agency_state.data, form.agency_name.data
        ),
        "state": form.agency_state.data or None,
        "retrieved_on": form.retrieved_on.data,
        "pin_cite": form.pin_cite.data or "",
    }


@bp.route("/new", methods=["GET", "POST"])
@member_required
def new():
    """Add a record, optionally with its first attachment; from a demand's page, the record
    is linked to the demand and the member comes back to it."""
    form = NewEvidenceForm()
    demand_id = parse_id(form.demand_id.data or request.args.get("demand_id"))
    demand = _demand_with_campaign(demand_id) if demand_id is not None else None
    agency_id = parse_id(request.args.get("agency_id")) if request.method == "GET" else None
    if demand is not None and request.method == "GET":
        form.demand_id.data = str(demand[0].id)
        agency_id = demand[0].agency_id
    if agency_id is not None:
        agency = db.session.get(Agency, agency_id)
        if agency is not None:
            form.agency_state.data, form.agency_name.data = agency.state, agency.name
    if form.validate_on_submit():
        try:
            if demand is not None and not (form.link_note.data or "").strip():
                raise DomainError("Say why this record supports the demand.", field="link_note")
            record = services.create_evidence(
                db.session, actor=current_user, **_record_values(form)
            )
            upload = read_upload(form.attachment)
            if upload is not None:
                services.add_attachment(
                    db.session, record, store=store_for(current_app), data=upload.data,
                    filename=upload.filename, actor=current_user,
                )  # fmt: skip
            if demand is not None:
                link_evidence(
                    db.session, demand[0], record, note=form.link_note.data, actor=current_user
                )
        except DomainError as err:
            db.session.rollback()
            if err.field == "note":
                err.field = "link_note"
            apply_domain_error(form, err)
        else:
            db.session.commit()
            if demand is not None:
                flash("Evidence record added and linked to the demand.", "success")
                return redirect(
                    url_for("demands.detail", campaign_slug=demand[1].slug, demand_id=demand[0].id)
                )
            flash("Evidence record added.", "success")
            return redirect(url_for(".detail", record_id=record.id))
    return render_template("evidence/new.html", form=form, demand=demand), (
        400 if form.errors else 200
    )


def _demand_with_campaign(demand_id: int) -> tuple[Demand, Campaign] | None:
    row = db.session.execute(
        sa.select(Demand, Campaign)
        .join(Campaign, Campaign.id == Demand.campaign_id)
        .options(joinedload(Demand.agency))
        .where(Demand.id == demand_id)
    ).first()
    return (row[0], row[1]) if row else None


def link_matching_form() -> LinkMatchingForm:
    """The form linking a record to every matching demand, its choices filled in."""
    form = LinkMatchingForm()
    form.campaign_id.choices = [
        (i, name)
        for i, name in db.session.execute(
            sa.select(Campaign.id, Campaign.name).order_by(Campaign.name)
        )
    ]
    form.status.choices = DemandFilterForm.status.kwargs["choices"]
    return form


@bp.post("/<int:record_id>/demands/matching")
@member_required
def link_matching(record_id: int):
    """Link the record to every demand of a campaign matching the filters, each link with
    the note ({agency} filled in)."""
    record = get_record_or_404(record_id)
    form = link_matching_form()
    if form.validate_on_submit():
        filters = DemandFilters(status=form.status.data or None, state=form.state.data or None)
        demands = list(
            db.session.scalars(demand_query(form.campaign_id.data, filters, local_today()))
        )
        try:
            linked, skipped = link_evidence_to_many(
                db.session, demands, record, note=form.note.data, actor=current_user
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(
                f"Linked to {len(linked)} demands"
                + (f"; {len(skipped)} already had this record." if skipped else "."),
                "success",
            )
            return redirect(url_for(".detail", record_id=record.id))
    record = get_record_or_404(record_id)
    return _render_detail(record, 400, matching_form=form)


@bp.route("/<int:record_id>")
@member_required
def detail(record_id: int):
    """One record: its attachments and the demands it supports."""
    record = get_record_or_404(record_id)
    return _render_detail(record)


def _render_detail(record: EvidenceRecord, status: int = 200, **forms):
    attachments = db.session.scalars(
        sa.select(EvidenceAttachment)
        .where(EvidenceAttachment.record_id == record.id)
        .order_by(EvidenceAttachment.id)
    ).all()
    links = db.session.execute(
        sa.select(DemandEvidence, Demand, Campaign, Agency)
        .join(Demand, Demand.id == DemandEvidence.demand_id)
        .join(Campaign, Campaign.id == Demand.campaign_id)
        .join(Agency, Agency.id == Demand.agency_id)
        .options(joinedload(DemandEvidence.linked_by))
        .where(DemandEvidence.evidence_id == record.id)
        .order_by(DemandEvidence.linked_at, DemandEvidence.id)
    ).all()
    linked_ids = [demand.id for _l, demand, _c, _a in links]
    dq = (request.args.get("dq") or "").strip()
    candidates_query = (
        sa.select(Demand, Campaign, Agency)
        .join(Campaign, Campaign.id == Demand.campaign_id)
        .join(Agency, Agency.id == Demand.agency_id)
    )
    if dq:
        needle = dq.lower()
        candidates_query = candidates_query.where(
            sa.or_(
                sa.func.lower(Demand.title).contains(needle, autoescape=True),
                sa.func.lower(Agency.name).contains(needle, autoescape=True),
            )
        )
    elif record.agency_id is not None:
        candidates_query = candidates_query.where(Demand.agency_id == record.agency_id)
    else:
        candidates_query = candidates_query.where(sa.false())
    if linked_ids:
        candidates_query = candidates_query.where(Demand.id.not_in(linked_ids))
    candidates = db.session.execute(
        candidates_query.order_by(Agency.name, Demand.id).limit(10)
    ).all()
    return render_template(
        "evidence/detail.html",
        record=record,
        attachments=attachments,
        links=links,
        candidates=candidates,
        dq=dq,
        cite_as=services.cite(record, [a.sha256 for a in attachments]),
        link_form=forms.get("link_form") or LinkDemandForm(),
        matching_form=forms.get("matching_form") or link_matching_form(),
        attachment_form=forms.get("attachment_form") or AttachmentForm(),
        action_form=ActionForm(),
    ), status


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(record_id: int):
    """Edit a record (coordinators)."""
    record = get_record_or_404(record_id)
    form = EvidenceForm(obj=record)
    del form.attachment
    if request.method == "GET":
        form.type.data = record.type.value
        form.source_url.data = record.source_url or ""
        form.agency_state.data = record.state or ""
        if record.agency is not None:
            form.agency_state.data, form.agency_name.data = record.agency.state, record.agency.name
    if form.validate_on_submit():
        try:
            services.update_evidence(db.session, record, actor=current_user, **_record_values(form))
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Evidence record saved.", "success")
            return redirect(url_for(".detail", record_id=record.id))
    return render_template("evidence/edit.html", form=form, record=record), (
        400 if form.errors else 200
    )


@bp.route("/<int:record_id>/delete", methods=["POST"])
@coordinator_required
def delete(record_id: int):
    """Soft-delete a record (coordinators); it disappears from lists, links and searches."""
    record = get_record_or_404(record_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_evidence(db.session, record, actor=current_user)
    db.session.commit()
    flash(f"Evidence record “{record.title}” deleted.", "success")
    return redirect(url_for(".index"))


@bp.route("/<int:record_id>/attachments", methods=["POST"])
@member_required
def attach(record_id: int):
    """Attach one more file to a record."""
    record = get_record_or_404(record_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            upload = read_required_upload(form.attachment)
            services.add_attachment(
                db.session, record, store=store_for(current_app), data=upload.data,
                filename=upload.filename, actor=current_user,
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("File attached.", "success")
            return redirect(url_for(".detail", record_id=record.id))
    record = get_record_or_404(record_id)
    return _render_detail(record, 400, attachment_form=form)


@bp.route("/<int:record_id>/attachments/<int:attachment_id>")
@member_required
def attachment(record_id: int, attachment_id: int):
    """Serve an attachment to a logged-in user (Content-Disposition, nosniff)."""
    record = get_record_or_404(record_id)
    item = db.session.scalar(
        sa.select(EvidenceAttachment).where(
            EvidenceAttachment.id == attachment_id, EvidenceAttachment.record_id == record.id
        )
    ) or abort(404)
    # a download unless "view" was clicked (issue 16: attachments were shown inline)
    return send_attachment(item, view=request.args.get("view") == "1")


@bp.route("/<int:record_id>/demands", methods=["POST"])
@member_required
def link(record_id: int):
    """Link the record to a demand, with a note."""
    record = get_record_or_404(record_id)
    form = LinkDemandForm()
    if form.validate_on_submit():
        demand = db.session.get(Demand, form.demand_id.data)
        try:
            if demand is None:
                raise DomainError("There is no demand with this number.", field="demand_id")
            link_evidence(db.session, demand, record, note=form.note.data, actor=current_user)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Linked to the demand.", "success")
            return redirect(url_for(".detail", record_id=record.id))
    record = get_record_or_404(record_id)
    return _render_detail(record, 400, link_form=form)


@bp.route("/<int:record_id>/demands/<int:demand_id>/unlink", methods=["POST"])
@member_required
def unlink(record_id: int, demand_id: int):
    """Remove the link between the record and a demand."""
    record = get_record_or_404(record_id)
    demand = db.session.get(Demand, demand_id) or abort(404)
    unlink_evidence(db.session, demand, record, actor=current_user)
    db.session.commit()
    flash("Link removed.", "success")
    return redirect(url_for(".detail", record_id=record.id))
