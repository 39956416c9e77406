"""Demand pages, under /campaigns/<campaign_slug>/demands/."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from campaign import db
from campaign.agencies.models import Agency, AgencyType, AgreementModel, AgreementStatus
from campaign.agencies.services import AgencyFilters, agency_query
from campaign.agencies.standing import standings
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error, parse_id
from campaign.core.markdown import render_markdown
from campaign.core.pagination import paginate, parse_page
from campaign.demands import bulk as bulk_services
from campaign.demands import services, tracking
from campaign.demands.forms import (
    AgencyFilterForm,
    BulkMoveForm,
    DemandFilterForm,
    DemandForm,
    FlagForm,
    LinkEvidenceForm,
    NewDemandForm,
    TransitionForm,
)
from campaign.demands.models import (
    Demand,
    DemandEvent,
    DemandEvidence,
    DemandStatus,
    Priority,
)
from campaign.demands.queries import DemandFilters, demand_query
from campaign.evidence.models import EvidenceAttachment, EvidenceRecord
from campaign.evidence.search import evidence_query
from campaign.evidence.services import cite
from campaign.followups.forms import new_follow_up_form
from campaign.letters.models import Letter
from campaign.responses.timeline import build_timeline

bp = Blueprint("demands", __name__, url_prefix="/campaigns/<campaign_slug>/demands")

PER_PAGE = 50


def today() -> date:
    """Today's date in the coalition's time zone (CAMPAIGN_TIMEZONE): "overdue" is judged there."""
    return local_today()


def get_demand_or_404(campaign: Campaign, demand_id: int) -> Demand:
    """The demand with its agency, if it belongs to this campaign; 404 otherwise."""
    demand = db.session.scalar(
        sa.select(Demand)
        .options(joinedload(Demand.agency))
        .where(Demand.id == demand_id, Demand.campaign_id == campaign.id)
    )
    return demand or abort(404)


def demands_section(campaign: Campaign):
    """The campaign page's section: demands counted by status."""
    counts = tracking.status_counts(db.session, campaign, today())
    return "demands/_section.html", {"counts": counts, "statuses": list(DemandStatus)}


def agency_demands_section(agency: Agency):
    """For the agency page (wired at merge): the agency's demands in every campaign."""
    rows = db.session.execute(
        sa.select(Demand, Campaign)
        .join(Campaign, Campaign.id == Demand.campaign_id)
        .where(Demand.agency_id == agency.id)
        .order_by(Campaign.name, Demand.id)
    ).all()
    return "demands/_agency_section.html", {"demands": rows, "today": today()}


def agency_filter(values: dict[str, str | None]) -> sa.Select:
    """Agencies matching the agency list's own filters (state, type, name, model, status)."""

    def pick(enum_cls, raw):
        try:
            return enum_cls(raw) if raw else None
        except ValueError:
            return None

    return agency_query(
        AgencyFilters(
            state=(values.get("state") or None),
            type=pick(AgencyType, values.get("type")),
            q=(values.get("q") or "").strip() or None,
            model=pick(AgreementModel, values.get("model")),
            status=pick(AgreementStatus, values.get("agreement_status")),
        )
    )


@bp.route("")
@member_required
def index(campaign_slug: str):
    """The campaign's demands, filtered by status, state, priority, flag and overdue."""
    campaign = get_campaign_or_404(campaign_slug)
    form = DemandFilterForm(request.args)
    query = demand_query(campaign.id, filters_from(form), today())
    page = paginate(db.session, query, page=parse_page(request.args.get("page")), per_page=PER_PAGE)
    evidence_counts = _evidence_counts([d.id for d in page.items])
    return render_template(
        "demands/index.html",
        campaign=campaign,
        form=form,
        page=page,
        evidence_counts=evidence_counts,
        standing=standings(db.session, [d.agency_id for d in page.items]),
        move_form=bulk_move_form(form),
        today=today(),
    )


def filters_from(form: DemandFilterForm) -> DemandFilters:
    """The list's filters, or none when the form does not validate."""
    if not form.validate():
        return DemandFilters()
    return DemandFilters(
        status=form.status.data or None, state=form.state.data or None,
        priority=form.priority.data or None, flagged=bool(form.flagged.data),
        overdue=bool(form.overdue.data), letter=form.letter.data,
    )  # fmt: skip


def bulk_move_form(filters: DemandFilterForm) -> BulkMoveForm:
    """The "move every demand shown" form, carrying the list's filters."""
    form = BulkMoveForm(formdata=None)
    form.happened_on.data = today()
    form.filters.data = request.query_string.decode("ascii", "replace")[:2000]
    return form


def _evidence_counts(demand_ids: list[int]) -> dict[int, int]:
    if not demand_ids:
        return {}
    # From the page's links, each record checked by its key: a join lets SQLite's
    # planner walk all 10,000 records by their deleted_at index instead (240 ms).
    deleted = sa.exists().where(
        EvidenceRecord.id == DemandEvidence.evidence_id, EvidenceRecord.deleted_at.is_not(None)
    )
    rows = db.session.execute(
        sa.select(DemandEvidence.demand_id, sa.func.count())
        .where(DemandEvidence.demand_id.in_(demand_ids), ~deleted)
        .group_by(DemandEvidence.demand_id)
    )
    return {demand_id: n for demand_id, n in rows}


def letter_choices(form: DemandForm, campaign: Campaign) -> None:
    """Limit the form's letter select to this campaign's letters."""
    rows = db.session.execute(
        sa.select(Letter.id, Letter.title)
        .where(Letter.campaign_id == campaign.id)
        .order_by(Letter.created_at.desc(), Letter.id.desc())
    ).all()
    form.letter_id.choices = [("", "No letter")] + [(str(i), title) for i, title in rows]


def demand_fields(form: DemandForm) -> services.DemandFields:
    return services.DemandFields(
        title=form.title.data or "",
        addressed_to=form.addressed_to.data or "",
        ask=form.ask.data or "",
        rationale=form.rationale.data or "",
        priority=Priority(form.priority.data),
        due_on=form.due_on.data,
        letter_id=form.letter_id.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def new(campaign_slug: str):
    """Pick an agency (search), then write the demand."""
    campaign = get_campaign_or_404(campaign_slug)
    agency_id = parse_id(request.form.get("agency_id") or request.args.get("agency_id"))
    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None:
        filters = AgencyFilterForm(request.args)
        query = agency_filter(filters.data)
        agencies = (
            db.session.scalars(query.order_by(Agency.state, Agency.name).limit(25)).all()
            if request.args.get("q") or request.args.get("state")
            else []
        )
        return render_template(
            "demands/pick_agency.html", campaign=campaign, filters=filters, agencies=agencies
        )
    form = NewDemandForm(agency_id=str(agency.id))
    letter_choices(form, campaign)
    gone = standings(db.session, [agency.id])[agency.id]
    if request.method == "GET":
        form.title.data = f"Terminate the 287(g) agreement of {agency.name}"
        form.ask.data = bulk_services.fill_template(services.DEFAULT_ASK, agency)
        form.addressed_to.data = "Secretary of Homeland Security"
    if form.validate_on_submit():
        try:
            demand = services.create_demand(
                db.session, campaign, agency, demand_fields(form), actor=current_user
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            if demand.delisted_flag:
                flash(
                    f"ICE's list no longer shows this agency's agreement ({gone.label}): the "
                    "demand was created flagged “confirm termination”.",
                    "warning",
                )
            flash("Demand created as a draft: link evidence before sending it.", "success")
            return redirect(url_for(".detail", campaign_slug=campaign.slug, demand_id=demand.id))
    return render_template(
        "demands/new.html",
        campaign=campaign,
        agency=agency,
        form=form,
        standing=gone,
        **suggestions(agency),
    ), (400 if form.errors else 200)


def suggestions(agency: Agency | None) -> dict:
    if agency is None:
        return {"addressees": services.ADDRESSEE_SUGGESTIONS}
    names = []
    for text in services.ADDRESSEE_SUGGESTIONS:
        if "{county}" in text and not agency.county:
            continue
        names.append(bulk_services.fill_template(text, agency))
    return {"addressees": names}


@bp.route("/<int:demand_id>")
@member_required
def detail(campaign_slug: str, demand_id: int):
    """One demand: agency, status, timeline, evidence and the actions allowed."""
    campaign = get_campaign_or_404(campaign_slug)
    demand = get_demand_or_404(campaign, demand_id)
    return render_detail(campaign, demand)


def render_detail(campaign: Campaign, demand: Demand, status: int = 200, **forms):
    links = db.session.execute(
        sa.select(DemandEvidence, EvidenceRecord)
        .join(EvidenceRecord, EvidenceRecord.id == DemandEvidence.evidence_id)
        .options(joinedload(DemandEvidence.linked_by))
        .where(DemandEvidence.demand_id == demand.id, EvidenceRecord.deleted_at.is_(None))
        .order_by(DemandEvidence.linked_at, DemandEvidence.id)
    ).all()
    events = db.session.scalars(
        sa.select(DemandEvent)
        .options(joinedload(DemandEvent.user))
        .where(DemandEvent.demand_id == demand.id)
        .order_by(DemandEvent.at, DemandEvent.id)
    ).all()
    timeline = build_timeline(db.session, demand, events, links)
    copies: dict[int, list[str]] = {}
    for record_id, sha in db.session.execute(
        sa.select(EvidenceAttachment.record_id, EvidenceAttachment.sha256)
        .where(EvidenceAttachment.record_id.in_([r.id for _l, r in links]))
        .order_by(EvidenceAttachment.id)
    ):
        copies.setdefault(record_id, []).append(sha)
    citations = {r.id: cite(r, copies.get(r.id)) for _l, r in links}
    linked_ids = {record.id for _link, record in links}
    eq = (request.args.get("eq") or "").strip()
    candidates_query = evidence_query(q=eq) if eq else evidence_query(agency_id=demand.agency_id)
    if linked_ids:
        candidates_query = candidates_query.where(EvidenceRecord.id.not_in(linked_ids))
    candidates = db.session.scalars(candidates_query.limit(10)).all()
    return render_template(
        "demands/detail.html",
        campaign=campaign,
        demand=demand,
        links=links,
        citations=citations,
        timeline=timeline,
        candidates=candidates,
        eq=eq,
        transitions=services.allowed_transitions(demand.status),
        transition_form=forms.get("transition_form") or _transition_form(),
        failed_transition=forms.get("failed_transition"),
        link_form=forms.get("link_form") or LinkEvidenceForm(),
        flag_form=forms.get("flag_form") or FlagForm(),
        follow_up_form=forms.get("follow_up_form") or new_follow_up_form(),
        can_follow_up=demand.status in services.DELIVERED_OPEN,
        letter=db.session.get(Letter, demand.letter_id) if demand.letter_id else None,
        rationale_html=render_markdown(demand.rationale),
        overdue=demand.is_overdue(today()),
        standing=standings(db.session, [demand.agency_id])[demand.agency_id],
    ), status


def _transition_form() -> TransitionForm:
    form = TransitionForm(formdata=None)
    form.happened_on.data = today()
    return form


@bp.route("/<int:demand_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(campaign_slug: str, demand_id: int):
    """Edit a demand's text, priority and due date."""
    campaign = get_campaign_or_404(campaign_slug)
    demand = get_demand_or_404(campaign, demand_id)
    form = DemandForm(obj=demand)
    letter_choices(form, campaign)
    if request.method == "GET":
        form.priority.data = demand.priority.value
    if form.validate_on_submit():
        try:
            services.update_demand(db.session, demand, demand_fields(form), actor=current_user)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Demand saved.", "success")
            return redirect(url_for(".detail", campaign_slug=campaign.slug, demand_id=demand.id))
    return render_template(
        "demands/edit.html",
        campaign=campaign,
        demand=demand,
        form=form,
        **suggestions(demand.agency),
    ), (400 if form.errors else 200)


# The demand's actions and the bulk page are routes of this blueprint too.
from campaign.demands import actions, bulk_views  # noqa: E402, F401
