"""Target pages: the list, one target with its channels and receipts, saved sets."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from campaign import db
from campaign.agencies.models import Agency
from campaign.auth.access import coordinator_required, member_required
from campaign.auth.models import Role
from campaign.core.errors import DomainError
from campaign.core.forms import ActionForm, apply_domain_error, parse_id
from campaign.mail.receipts import receipts_for
from campaign.targets import services, sets
from campaign.targets.forms import ChannelForm, TargetForm, TargetSetForm, VerifyForm
from campaign.targets.models import Target, TargetBody, TargetChannel, TargetSet

bp = Blueprint("targets", __name__, url_prefix="/targets")


def _target_or_404(target_id: int) -> Target:
    target = db.session.get(Target, target_id)
    if target is None:
        abort(404)
    return target


def _agency(form: TargetForm) -> Agency | None:
    if not form.agency_id.data:
        return None
    agency = db.session.get(Agency, form.agency_id.data)
    if agency is None:
        raise DomainError("There is no agency with this number.", field="agency_id")
    return agency


@bp.route("")
@member_required
def index():
    """Every target, by body, with its channels' status."""
    body = request.args.get("body") or None
    if body not in {b.value for b in TargetBody}:
        body = None
    q = (request.args.get("q") or "")[:200]
    targets = services.list_targets(db.session, body=body, q=q)
    return render_template(
        "targets/index.html",
        targets=targets,
        body=body,
        q=q,
        bodies=list(TargetBody),
        target_sets=db.session.scalars(sa.select(TargetSet).order_by(TargetSet.name)).all(),
    )


def _save(form: TargetForm, target: Target | None):
    try:
        saved = services.save_target(
            db.session, target, name=form.name.data, title=form.title.data or "",
            body=form.body.data, organization=form.organization.data or "",
            agency=_agency(form), note=form.note.data or "", actor=current_user,
        )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        apply_domain_error(form, err)
        return None
    db.session.commit()
    return saved


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def new():
    """Create a target (from an agency's page: already linked to it)."""
    form = TargetForm()
    if not form.is_submitted():
        form.agency_id.data = parse_id(request.args.get("agency_id"))
    if form.validate_on_submit():
        target = _save(form, None)
        if target is not None:
            flash("Target added. Add its channels below.", "success")
            return redirect(url_for(".detail", target_id=target.id))
    status = 400 if form.is_submitted() else 200
    return render_template("targets/edit.html", form=form, target=None), status


@bp.route("/<int:target_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(target_id: int):
    """Change a target's name, title, body or agency."""
    target = _target_or_404(target_id)
    form = TargetForm(obj=target if request.method == "GET" else None)
    if request.method == "GET":
        form.body.data = target.body.value
    if form.validate_on_submit() and _save(form, target) is not None:
        flash("Target saved.", "success")
        return redirect(url_for(".detail", target_id=target_id))
    status = 400 if form.is_submitted() else 200
    return render_template("targets/edit.html", form=form, target=target), status


def _render_detail(target: Target, status: int = 200, **forms):
    channels = db.session.scalars(
        sa.select(TargetChannel).where(TargetChannel.target_id == target.id)
        .order_by(TargetChannel.id)
    ).all()  # fmt: skip
    agency = db.session.get(Agency, target.agency_id) if target.agency_id else None
    return render_template(
        "targets/detail.html",
        target=target,
        agency=agency,
        channels=channels,
        receipts=receipts_for(db.session, target_id=target.id)[:200],
        channel_form=forms.get("channel_form") or ChannelForm(formdata=None),
        verify_form=forms.get("verify_form") or VerifyForm(formdata=None),
        failed_channel=forms.get("failed_channel"),
    ), status


@bp.route("/<int:target_id>")
@member_required
def detail(target_id: int):
    """A target: its channels (with who verified them, how and when) and its receipts."""
    return _render_detail(_target_or_404(target_id))


@bp.post("/<int:target_id>/channels")
@coordinator_required
def add_channel(target_id: int):
    """Add an email, postal, portal or fax channel (unverified)."""
    target = _target_or_404(target_id)
    form = ChannelForm()
    if form.validate_on_submit():
        try:
            services.add_channel(db.session, target, kind=form.kind.data,
                                 address=form.address.data, label=form.label.data or "",
                                 actor=current_user)  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Channel added (unverified until someone checks it).", "success")
            return redirect(url_for(".detail", target_id=target_id))
    return _render_detail(_target_or_404(target_id), 400, channel_form=form)


def _channel_or_404(target_id: int, channel_id: int) -> TargetChannel:
    channel = db.session.get(TargetChannel, channel_id)
    if channel is None or channel.target_id != target_id:
        abort(404)
    return channel


@bp.post("/<int:target_id>/channels/<int:channel_id>/verify")
@coordinator_required
def verify_channel(target_id: int, channel_id: int):
    """Record that a person checked the channel, and how."""
    channel = _channel_or_404(target_id, channel_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            services.verify_channel(db.session, channel, how=form.how.data, actor=current_user)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Channel verified.", "success")
            return redirect(url_for(".detail", target_id=target_id))
    return _render_detail(
        _target_or_404(target_id), 400, verify_form=form, failed_channel=channel_id
    )


@bp.post("/<int:target_id>/channels/<int:channel_id>/remove")
@coordinator_required
def remove_channel(target_id: int, channel_id: int):
    """Delete a channel."""
    channel = _channel_or_404(target_id, channel_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_channel(db.session, channel, actor=current_user)
    db.session.commit()
    flash("Channel removed.", "success")
    return redirect(url_for(".detail", target_id=target_id))


@bp.route("/sets", methods=["GET", "POST"])
@member_required
def target_sets():
    """Saved target sets; coordinators save new ones."""
    form = TargetSetForm()
    status = 200
    if form.is_submitted():
        if not current_user.has_role(Role.COORDINATOR):
            abort(403)
        if form.validate():
            try:
                saved = sets.save_set(db.session, name=form.name.data, criteria=_criteria(form),
                                      actor=current_user)  # fmt: skip
            except DomainError as err:
                db.session.rollback()
                apply_domain_error(form, err)
            else:
                db.session.commit()
                flash("Target set saved.", "success")
                return redirect(url_for(".target_set", set_id=saved.id))
        status = 400
    rows = db.session.scalars(sa.select(TargetSet).order_by(TargetSet.name)).all()
    described = [(s, sets.Criteria.from_dict(s.criteria).describe()) for s in rows]
    return render_template("targets/sets.html", form=form, sets=described), status


def _criteria(form: TargetSetForm) -> sets.Criteria:
    return sets.Criteria(
        state=form.state.data or None,
        model=form.model.data or None,
        include_delisted=bool(form.include_delisted.data),
        bodies=tuple(form.bodies.data or ()),
    )


@bp.route("/sets/<int:set_id>")
@member_required
def target_set(set_id: int):
    """A set resolved now: its targets, and warnings (unverified or bouncing channels,
    agencies without targets, agreements no longer listed)."""
    saved = db.session.get(TargetSet, set_id) or abort(404)
    criteria = sets.Criteria.from_dict(saved.criteria)
    return render_template(
        "targets/set.html",
        target_set=saved,
        criteria=criteria,
        resolution=sets.resolve(db.session, criteria),
    )


def agency_targets_section(agency: Agency):
    """For the agency page: the agency's targets and their channels."""
    targets = services.list_targets(db.session, agency_id=agency.id)
    return "targets/_agency_section.html", {"targets": targets, "agency": agency}
