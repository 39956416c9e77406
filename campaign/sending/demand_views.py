"""A demand's packet (download, send to its targets) and its response clock."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns.views import get_campaign_or_404
from campaign.core.clock import local_today
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error, parse_id
from campaign.core.ratelimit import allow
from campaign.demands.models import Demand
from campaign.demands.views import get_demand_or_404, render_detail
from campaign.mail.receipts import receipts_for
from campaign.sending import demand_clock, packets
from campaign.sending.forms import ClockExtendForm, ClockPauseForm, PacketSendForm
from campaign.sending.packet_data import packet_snapshot
from campaign.sending.recipients import recipients_of
from campaign.sending.views import bp
from campaign.targets.services import agency_targets, dhs_targets, targets_by_ids
from campaign.uploads.store import store_for

DEMAND = "/campaigns/<campaign_slug>/demands/<int:demand_id>"


def _demand(campaign_slug: str, demand_id: int):
    campaign = get_campaign_or_404(campaign_slug)
    return campaign, get_demand_or_404(campaign, demand_id)


@bp.route(f"{DEMAND}/packet.pdf")
@member_required
def packet_pdf(campaign_slug: str, demand_id: int):
    """The demand's packet as it would go out today (``?names=1``: with the signatories)."""
    _campaign, demand = _demand(campaign_slug, demand_id)
    # each GET renders a fresh PDF (seconds of CPU): one account cannot tie up the workers
    if not allow("PACKET_RENDER_LIMIT", "packet-pdf", f"user:{current_user.id}"):
        abort(429)
    snapshot = packet_snapshot(db.session, demand, dated_on=local_today(),
                               list_signatories=request.args.get("names") == "1")  # fmt: skip
    data = packets.render_packet(snapshot, static_dir=current_app.static_folder)
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{packets.packet_name(demand)}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _send_page(campaign, demand: Demand, form: PacketSendForm, status: int = 200):
    own = agency_targets(db.session, [demand.agency_id])[demand.agency_id]
    dhs = dhs_targets(db.session)
    form.targets.choices = [(str(t.id), t.display) for t in own + dhs]
    chosen = targets_by_ids(db.session, [parse_id(v) for v in form.targets.data or []])
    return render_template(
        "sending/packet_send.html", campaign=campaign, demand=demand, form=form,
        own=own, dhs=dhs, recipients=recipients_of(chosen),
    ), status  # fmt: skip


@bp.route(f"{DEMAND}/packet/send", methods=["GET", "POST"])
@coordinator_required
def packet_send(campaign_slug: str, demand_id: int):
    """Email the packet to the demand's targets (its agency's, and DHS's if chosen)."""
    campaign, demand = _demand(campaign_slug, demand_id)
    if request.method == "GET":
        own = agency_targets(db.session, [demand.agency_id])[demand.agency_id]
        form = PacketSendForm(formdata=None, targets=[str(t.id) for t in own],
                              sent_on=local_today())  # fmt: skip
        return _send_page(campaign, demand, form)
    form = PacketSendForm()
    if not form.validate():
        return _send_page(campaign, demand, form, 400)
    targets = targets_by_ids(db.session, [parse_id(v) for v in form.targets.data or []])
    try:
        if not targets:
            raise DomainError("Choose at least one target.", field="targets")
        stored, rows, _r = packets.send_packet(
            db.session, demand, targets, sent_on=form.sent_on.data, today=local_today(),
            static_dir=current_app.static_folder, store=store_for(current_app),
            actor=current_user, list_signatories=form.list_signatories.data,
        )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return _send_page(campaign, *_demand(campaign_slug, demand_id)[1:], form, 400)
    db.session.commit()
    flash(f"Packet emailed: {len(rows)} message(s) in the outbox, one receipt each "
          f"(sha256 {stored.sha256}).", "success")  # fmt: skip
    return redirect(url_for("demands.detail", campaign_slug=campaign.slug, demand_id=demand.id))


def demand_sending(demand: Demand) -> dict:
    """For the demand page (a template global): receipts and the clock."""
    today = local_today()
    return {
        "receipts": receipts_for(db.session, demand_id=demand.id),
        "days_overdue": demand_clock.days_overdue(demand, today),
        "unit": demand_clock.unit_of(demand),
        "extend_form": ClockExtendForm(formdata=None),
        "pause_form": ClockPauseForm(formdata=None),
    }


def _clock_action(campaign_slug: str, demand_id: int, form, act, done: str):
    campaign, demand = _demand(campaign_slug, demand_id)
    back = url_for("demands.detail", campaign_slug=campaign.slug, demand_id=demand.id)
    if form.validate_on_submit():
        try:
            act(demand)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
            return render_detail(campaign, get_demand_or_404(campaign, demand_id), 400)
        db.session.commit()
        flash(done, "success")
        return redirect(back)
    flash("; ".join(e for errors in form.errors.values() for e in errors), "danger")
    return render_detail(campaign, demand, 400)


@bp.post(f"{DEMAND}/clock/extend")
@coordinator_required
def clock_extend(campaign_slug: str, demand_id: int):
    """Extend the response deadline with a reason and a new date."""
    form = ClockExtendForm()
    return _clock_action(campaign_slug, demand_id, form, lambda d: demand_clock.extend(
        db.session, d, new_due_on=form.new_due_on.data, reason=form.reason.data,
        actor=current_user, today=local_today()), "Due date extended.")  # fmt: skip


@bp.post(f"{DEMAND}/clock/pause")
@coordinator_required
def clock_pause(campaign_slug: str, demand_id: int):
    """Pause the clock while the coalition owes the agency something."""
    form = ClockPauseForm()
    return _clock_action(campaign_slug, demand_id, form, lambda d: demand_clock.pause(
        db.session, d, reason=form.reason.data, actor=current_user, today=local_today()),
        "Clock paused.")  # fmt: skip


@bp.post(f"{DEMAND}/clock/resume")
@coordinator_required
def clock_resume(campaign_slug: str, demand_id: int):
    """Start the clock again; the due date moves by the time it stood still."""
    return _clock_action(campaign_slug, demand_id, ActionForm(), lambda d: demand_clock.resume(
        db.session, d, actor=current_user, today=local_today()), "Clock resumed.")  # fmt: skip
