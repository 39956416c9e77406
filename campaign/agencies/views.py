"""Agency pages: the list, one agency, ICE imports and their snapshots, rename decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from campaign import db
from campaign.agencies.forms import AgencyFilterForm, ImportForm
from campaign.agencies.ice_workbook import MAX_BYTES
from campaign.agencies.importer import import_workbook as run_import
from campaign.agencies.models import (
    MODEL_LABELS,
    Agency,
    AgencyType,
    AgreementModel,
    AgreementStatus,
    ImportSnapshot,
    RenameProposal,
)
from campaign.agencies.renames import confirm_rename, reject_rename
from campaign.agencies.services import (
    AgencyFilters,
    agency_history,
    agency_query,
    status_counts,
)
from campaign.auth.access import coordinator_required, member_required
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.pagination import paginate, parse_page
from campaign.core.states import STATES, state_name

bp = Blueprint("agencies", __name__)

# Sections other features add to an agency's page (its demands, its evidence): each
# callable takes the agency and returns (template name, context) or None.
AgencySectionProvider = Callable[[Agency], tuple[str, dict[str, Any]] | None]
_sections: list[AgencySectionProvider] = []


def register_agency_section(provider: AgencySectionProvider) -> None:
    """Add a section to the agency page (called from create_app, once per provider)."""
    if provider not in _sections:
        _sections.append(provider)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"state_name": state_name, "MODEL_LABELS": MODEL_LABELS}


def _filters_from(form: AgencyFilterForm) -> AgencyFilters:
    def pick(value: str | None, allowed) -> Any:
        try:
            return allowed(value) if value else None
        except ValueError:
            return None

    state = (form.state.data or "").upper()
    return AgencyFilters(
        state=state if state in STATES else None,
        model=pick(form.model.data, AgreementModel),
        status=pick(form.status.data, AgreementStatus),
        type=pick(form.type.data, AgencyType),
        q=(form.q.data or "").strip()[:200] or None,
    )


@bp.route("/agencies")
@member_required
def index():
    """Agencies with 287(g) agreements: filters, name search, pages."""
    form = AgencyFilterForm(request.args)
    filters = _filters_from(form)
    number = parse_page(request.args.get("page"))
    page = paginate(db.session, agency_query(filters), page=number, per_page=50)
    if filters.q and not page.total:
        # nothing found: words that start no indexed word are searched by near spellings
        filters = filters.with_search(db.session)
        page = paginate(db.session, agency_query(filters), page=number, per_page=50)
    return render_template(
        "agencies/index.html",
        form=form,
        page=page,
        counts=status_counts(db.session),
        search=filters.search,
    )


@bp.route("/agencies/<int:agency_id>")
@member_required
def detail(agency_id: int):
    """One agency: its agreements, their history across ICE's lists, other features' sections."""
    agency = db.session.scalar(
        sa.select(Agency).where(Agency.id == agency_id).options(selectinload(Agency.agreements))
    )
    if agency is None:
        abort(404)
    if agency.merged_into_id is not None:
        return redirect(url_for("agencies.detail", agency_id=agency.merged_into_id))
    history = agency_history(db.session, agency)
    aliases = db.session.scalars(
        sa.select(Agency.name).where(Agency.merged_into_id == agency.id).order_by(Agency.name)
    ).all()
    sections = [s for s in (provider(agency) for provider in _sections) if s is not None]
    return render_template(
        "agencies/detail.html",
        agency=agency,
        history=history,
        aliases=aliases,
        sections=sections,
    )


@bp.route("/agencies/import", methods=["GET", "POST"])
@coordinator_required
def import_workbook():
    """Upload one of ICE's workbooks; the snapshot page then shows what changed."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1)
        try:
            report = run_import(
                db.session,
                data,
                file_name=upload.filename or "workbook.xlsx",
                as_of=form.as_of.data,
                actor=current_user,
            )
        except DomainError as err:
            db.session.rollback()
            err.field = err.field or "file"
            apply_domain_error(form, err)
        else:
            db.session.commit()
            if report.already_imported:
                flash("This file was already imported; nothing changed.", "info")
            elif not report.diff.get("in_order", True):
                flash(report.warnings[0]["message"], "info")
            else:
                flash(
                    f"Imported {report.rows_read} rows of the {report.list_type} list: "
                    f"{report.created} new, {report.updated} updated, "
                    f"{report.no_longer_listed} no longer listed.",
                    "success",
                )
            return redirect(url_for("agencies.snapshot", snapshot_id=report.snapshot_id))
    recent = db.session.scalars(
        sa.select(ImportSnapshot).order_by(ImportSnapshot.imported_at.desc()).limit(5)
    ).all()
    status = 400 if form.errors else 200
    return render_template("agencies/import_workbook.html", form=form, recent=recent), status


@bp.route("/agencies/snapshots")
@member_required
def snapshots():
    """Every imported ICE list, newest list first."""
    query = sa.select(ImportSnapshot).order_by(
        ImportSnapshot.as_of_on.desc(), ImportSnapshot.id.desc()
    )
    page = paginate(db.session, query, page=parse_page(request.args.get("page")), per_page=50)
    return render_template("agencies/snapshots.html", page=page)


@bp.route("/agencies/snapshots/<int:snapshot_id>")
@member_required
def snapshot(snapshot_id: int):
    """One import: its counts, the difference from the previous list, warnings, renames."""
    snap = db.session.scalar(
        sa.select(ImportSnapshot)
        .where(ImportSnapshot.id == snapshot_id)
        .options(joinedload(ImportSnapshot.imported_by))
    )
    if snap is None:
        abort(404)
    proposals = db.session.scalars(
        sa.select(RenameProposal)
        .where(RenameProposal.snapshot_id == snap.id)
        .options(joinedload(RenameProposal.old_agency), joinedload(RenameProposal.new_agency))
        .order_by(RenameProposal.id)
    ).all()
    return render_template(
        "agencies/snapshot.html", snap=snap, diff=snap.diff or {}, proposals=proposals
    )


def _proposal_or_404(proposal_id: int) -> RenameProposal:
    return db.session.get(RenameProposal, proposal_id) or abort(404)


@bp.route("/agencies/renames/<int:proposal_id>/confirm", methods=["POST"])
@coordinator_required
def confirm(proposal_id: int):
    """Confirm a proposed rename: the old agency is merged into the new name."""
    proposal = _proposal_or_404(proposal_id)
    snapshot_id = proposal.snapshot_id
    agency = confirm_rename(db.session, proposal, actor=current_user)
    db.session.commit()
    flash(f"Rename confirmed: the agreements now belong to “{agency.name}”.", "success")
    return redirect(url_for("agencies.snapshot", snapshot_id=snapshot_id))


@bp.route("/agencies/renames/<int:proposal_id>/reject", methods=["POST"])
@coordinator_required
def reject(proposal_id: int):
    """Reject a proposed rename: the two names stay two agencies."""
    proposal = _proposal_or_404(proposal_id)
    reject_rename(db.session, proposal, actor=current_user)
    db.session.commit()
    flash("Rename rejected: the two names stay separate agencies.", "info")
    return redirect(url_for("agencies.snapshot", snapshot_id=proposal.snapshot_id))
