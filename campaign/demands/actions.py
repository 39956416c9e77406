"""What members and coordinators do on a demand's page: status changes, evidence, flags,
follow-ups.

Each action re-renders the demand's page with its form's errors (400) when refused.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.models import Campaign
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.demands import services, tracking
from campaign.demands.evidence import link_evidence, unlink_evidence
from campaign.demands.forms import FlagForm, LinkEvidenceForm, TransitionForm
from campaign.demands.models import Demand, DemandStatus
from campaign.demands.views import bp, get_demand_or_404, render_detail
from campaign.evidence.models import EvidenceRecord
from campaign.followups.forms import FollowUpForm
from campaign.followups.models import FollowUpMethod
from campaign.followups.services import record_follow_up


def _act(
    campaign: Campaign,
    demand_id: int,
    form: FlaskForm,
    form_key: str,
    action: Callable[[Demand], str],
    **page,
):
    """Validate ``form``, run ``action`` (its message is flashed), commit and go back to
    the demand; or show the demand's page again with the errors."""
    demand = get_demand_or_404(campaign, demand_id)
    if form.validate_on_submit():
        try:
            done = action(demand)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for(".detail", campaign_slug=campaign.slug, demand_id=demand.id))
    demand = get_demand_or_404(campaign, demand_id)  # as stored, after a rollback
    return render_detail(campaign, demand, 400, **{form_key: form}, **page)


@bp.route("/<int:demand_id>/transition", methods=["POST"])
@coordinator_required
def transition(campaign_slug: str, demand_id: int):
    """Move the demand to another status (the reason is required)."""
    campaign = get_campaign_or_404(campaign_slug)
    form = TransitionForm()
    target = form.to.data if form.to.data in DemandStatus.__members__.values() else None
    if target is None:
        form.form_errors.append("Choose a status.")
        demand = get_demand_or_404(campaign, demand_id)
        return render_detail(campaign, demand, 400, transition_form=form, failed_transition=None)

    def move(demand: Demand) -> str:
        status = DemandStatus(target)
        services.transition_demand(
            db.session, demand, status, reason=form.reason.data, actor=current_user,
            happened_on=form.happened_on.data, today=local_today(),
        )  # fmt: skip
        return f"Demand is now “{status.label}”."

    return _act(campaign, demand_id, form, "transition_form", move, failed_transition=target)


@bp.route("/<int:demand_id>/evidence", methods=["POST"])
@member_required
def link(campaign_slug: str, demand_id: int):
    """Link an evidence record to the demand, with a note."""
    form = LinkEvidenceForm()

    def attach(demand: Demand) -> str:
        record = db.session.get(EvidenceRecord, form.evidence_id.data)
        if record is None or record.deleted_at is not None:
            raise DomainError("There is no evidence record with this number.", field="evidence_id")
        link_evidence(db.session, demand, record, note=form.note.data, actor=current_user)
        return "Evidence linked."

    return _act(get_campaign_or_404(campaign_slug), demand_id, form, "link_form", attach)


@bp.route("/<int:demand_id>/evidence/<int:evidence_id>/unlink", methods=["POST"])
@member_required
def unlink(campaign_slug: str, demand_id: int, evidence_id: int):
    """Remove the link between the demand and an evidence record."""
    campaign = get_campaign_or_404(campaign_slug)
    demand = get_demand_or_404(campaign, demand_id)
    record = db.session.get(EvidenceRecord, evidence_id) or abort(404)
    unlink_evidence(db.session, demand, record, actor=current_user)  # DomainError → error page
    db.session.commit()
    flash("Evidence unlinked.", "success")
    return redirect(url_for(".detail", campaign_slug=campaign.slug, demand_id=demand.id))


@bp.route("/<int:demand_id>/flag/<any(confirm, dismiss):action>", methods=["POST"])
@member_required
def flag(campaign_slug: str, demand_id: int, action: str):
    """Confirm (the demand is met) or dismiss "agreement no longer listed"."""
    form = FlagForm()

    def settle(demand: Demand) -> str:
        if action == "confirm":
            tracking.confirm_delisting(
                db.session, demand, reason=form.flag_reason.data, actor=current_user
            )
            return "Termination confirmed: the demand is met."
        tracking.dismiss_delisting(
            db.session, demand, reason=form.flag_reason.data, actor=current_user
        )
        return "Flag dismissed."

    return _act(get_campaign_or_404(campaign_slug), demand_id, form, "flag_form", settle)


@bp.post("/<int:demand_id>/follow-ups")
@member_required
def follow_up(campaign_slug: str, demand_id: int):
    """Record a follow-up on a demand and set its new due date (a demand page action: the
    follow-ups feature keeps its rules and the overdue lists)."""
    form = FollowUpForm()

    def chase(demand: Demand) -> str:
        record_follow_up(
            db.session, demand, done_on=form.done_on.data,
            method=FollowUpMethod(form.method.data), note=form.note.data or "",
            new_due_on=form.new_due_on.data, actor=current_user, today=local_today(),
        )  # fmt: skip
        return f"Follow-up recorded; the answer is now due {form.new_due_on.data}."

    return _act(get_campaign_or_404(campaign_slug), demand_id, form, "follow_up_form", chase)
