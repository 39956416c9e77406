"""Demand pages, under /campaigns/<campaign_slug>/demands/."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload

from campaign import db
from campaign.agencies.models import Agency, AgencyType, AgreementModel, AgreementStatus
from campaign.agencies.services import AgencyFilters, agency_query
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
    DemandFilterForm,
    DemandForm,
    FlagForm,
    LinkEvidenceForm,
    NewDemandForm,
    TransitionForm,
)
from campaign.demands.models import (
    OPEN_STATUSES,
    Demand,
    DemandEvent,
    DemandEvidence,
    DemandStatus,
    Priority,
)
from campaign.evidence.models import EvidenceRecord
from campaign.evidence.search import evidence_query
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
    query = (
        sa.select(Demand)
        .join(Demand.agency)
        .options(contains_eager(Demand.agency))
        .where(Demand.campaign_id == campaign.id)
    )
    if form.validate():
        if form.status.data == "open":
            query = query.where(Demand.status.in_(OPEN_STATUSES))
        elif form.status.data:
            query = query.where(Demand.status == DemandStatus(form.status.data))
        if form.state.data:
            query = query.where(Agency.state == form.state.data)
        if form.priority.data:
            query = query.where(Demand.priority == Priority(form.priority.data))
        if form.flagged.data:
            query = query.where(Demand.delisted_flag.is_(True))
        if form.overdue.data:
            query = query.where(tracking.overdue_condition(today()))
        if form.letter.data:
            query = query.where(Demand.letter_id == form.letter.data)
    query = query.order_by(Agency.state, Agency.name, Demand.id)
    page = paginate(db.session, query, page=parse_page(request.args.get("page")), per_page=PER_PAGE)
    evidence_counts = _evidence_counts([d.id for d in page.items])
    return render_template(
        "demands/index.html",
        campaign=campaign,
        form=form,
        page=page,
        evidence_counts=evidence_counts,
        today=today(),
    )


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
            flash("Demand created as a draft: link evidence before sending it.", "success")
            return redirect(url_for(".detail", campaign_slug=campaign.slug, demand_id=demand.id))
    return render_template(
        "demands/new.html", campaign=campaign, agency=agency, form=form, **suggestions(agency)
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
        timeline=timeline,
        candidates=candidates,
        eq=eq,
        transitions=services.allowed_transitions(demand.status),
        transition_form=forms.get("transition_form") or TransitionForm(),
        failed_transition=forms.get("failed_transition"),
        link_form=forms.get("link_form") or LinkEvidenceForm(),
        flag_form=forms.get("flag_form") or FlagForm(),
        follow_up_form=forms.get("follow_up_form") or new_follow_up_form(),
        can_follow_up=demand.status in services.DELIVERED_OPEN,
        letter=db.session.get(Letter, demand.letter_id) if demand.letter_id else None,
        rationale_html=render_markdown(demand.rationale),
        overdue=demand.is_overdue(today()),
    ), status


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
