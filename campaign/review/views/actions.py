"""One sign-on's page and the actions on it (approve, reject, withdraw, merge, rename),
and adding a sign-on by hand."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from campaign import db
from campaign.audit.models import AuditEvent
from campaign.auth.access import coordinator_required
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.core.urls import safe_next
from campaign.delivery.addenda import delivered_on
from campaign.letters.models import LetterStatus
from campaign.letters.services import latest_material_number
from campaign.review import manual, services
from campaign.review.forms import (
    ApproveForm,
    IncludeForm,
    ManualSignOnForm,
    MergeForm,
    RejectForm,
    RenameForm,
    SecondSignerForm,
    VerifyForm,
    WithdrawForm,
)
from campaign.review.reconsent import INCLUDABLE, include_without_reconsent
from campaign.review.views.base import BASE, DETAIL_SECTIONS, bp, load, signon_or_404
from campaign.signons import claims, consent
from campaign.signons.fuzzy import similarity
from campaign.signons.models import ClaimDecision, SignOn, SignOnClaim, SignOnStatus
from campaign.verification import domains
from campaign.verification import services as verification


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
    delivered = None
    if letter.status == LetterStatus.SENT:
        # a delivered sign-on may only withdraw (or have its name corrected)
        delivered = delivered_on(db.session, signon.id)
        if delivered is not None:
            allowed = {s: ok and s == SignOnStatus.WITHDRAWN.value for s, ok in allowed.items()}
    # signed an earlier text than the newest material edit, nobody included it anyway
    awaiting = signon.counted and not consent.has_agreed(db.session, signon)
    if awaiting or (letter.requires_verification and signon.verification is None):
        allowed["approved"] = False
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
        delivered_on=delivered,
        awaiting_reconsent=awaiting,
        include_form=forms.get("include") or IncludeForm(),
        second_signers=claims.waiting(db.session, signon),
        second_signer_form=forms.get("second_signer") or SecondSignerForm(),
        can_include=awaiting and signon.status in INCLUDABLE and not letter.signons_frozen,
        sections=[section(campaign, letter, signon) for section in DETAIL_SECTIONS],
        verify_form=forms.get("verify") or VerifyForm(),
        verifications=verification.records(db.session, signon),
        domain_check=domains.check(signon.signer_email, signon.website),
    ), status


@bp.route(BASE + "/<int:signon_id>")
@coordinator_required
def detail(campaign_slug: str, letter_id: int, signon_id: int):
    """One sign-on: every field, its history, and the actions its status allows."""
    campaign, letter = load(campaign_slug, letter_id)
    return _detail(campaign, letter, signon_or_404(letter, signon_id))


def _act(campaign_slug, letter_id, signon_id, form_cls, key, call, done):
    """Validate ``form_cls``, run ``call(signon, letter, form)``, commit, flash ``done``."""
    campaign, letter = load(campaign_slug, letter_id)
    signon = signon_or_404(letter, signon_id)
    form = form_cls()
    if key == "merge":
        form.into.choices = _merge_choices(letter, signon)
    if form.validate_on_submit():
        try:
            call(signon, letter, form)
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            if form.form_errors:
                # at the top of the page, once: the action's own form may not be shown
                # (e.g. Reject for a sign-on already delivered)
                flash(err.message, "danger")
                form.form_errors.clear()
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
    signon = signon_or_404(letter, signon_id)
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


@bp.post(BASE + "/<int:signon_id>/include")
@coordinator_required
def include(campaign_slug: str, letter_id: int, signon_id: int):
    """Print a sign-on that has not re-confirmed since a material edit, with a reason."""
    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        IncludeForm,
        "include",
        lambda s, letter, f: include_without_reconsent(
            db.session, s, letter, reason=f.reason.data, actor=current_user
        ),
        lambda s: f"“{s.org_name}” is included without re-confirming; the reason is recorded.",
    )


@bp.post(BASE + "/<int:signon_id>/second-signers/<int:claim_id>")
@coordinator_required
def second_signer(campaign_slug: str, letter_id: int, signon_id: int, claim_id: int):
    """Decide who signs for the organization: the first signer or a confirmed second one."""

    def call(signon, letter, form):
        claim = db.session.get(SignOnClaim, claim_id)
        if claim is None or claim.sign_on_id != signon.id:
            abort(404)
        claims.decide(
            db.session,
            claim,
            signon,
            letter,
            decision=ClaimDecision(form.decision.data),
            actor=current_user,
        )

    return _act(
        campaign_slug,
        letter_id,
        signon_id,
        SecondSignerForm,
        "second_signer",
        call,
        lambda s: f"Decided who signs for “{s.org_name}”.",
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
    campaign, letter = load(campaign_slug, letter_id)
    form = ManualSignOnForm()
    if form.validate_on_submit():
        data = manual.ManualInput(
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
            signed_on=form.signed_on.data,
        )
        try:
            signon = manual.add_manual(
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
