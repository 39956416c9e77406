"""The review queue: a letter's sign-ons with filters, counts, a chart, and bulk approval."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required
from campaign.charts import daily_bars_svg
from campaign.core.errors import DomainError
from campaign.core.forms import parse_id
from campaign.core.pagination import paginate, parse_page
from campaign.core.states import STATE_CHOICES
from campaign.letters.services import latest_material_number
from campaign.review import bulk, queries, services, tallies
from campaign.review.forms import ApproveForm, BulkApproveForm, VerificationSettingsForm
from campaign.review.services import check_collecting
from campaign.review.views.base import BASE, bp, list_url, load
from campaign.signons import services as signon_services
from campaign.signons.models import Level, SignOnSource, SignOnStatus
from campaign.verification import domains


@bp.route(BASE)
@coordinator_required
def index(campaign_slug: str, letter_id: int):
    """The letter's sign-ons: filters, search, counts, a chart per day, one page of rows."""
    campaign, letter = load(campaign_slug, letter_id)
    version_numbers, material = queries.versions(db.session, letter)
    filters = queries.SignOnFilters.from_args(request.args, material_number=material)
    figures = tallies.figures(db.session, letter)
    counts = figures.counts
    number = parse_page(request.args.get("page"))
    total, more = queries.matching_count(db.session, letter, filters, counts, page=number)
    if filters.q and not total:
        # nothing found: words that start no indexed word are searched by near spellings
        filters = queries.with_search(db.session, filters)
        total, more = queries.matching_count(db.session, letter, filters, counts, page=number)
    # a page of ids first, then only those rows with what they show
    page = paginate(
        db.session,
        queries.ordered_ids(letter, filters, many=more),
        page=number,
        total=total,
        more=more,
    )
    page = replace(page, items=queries.signons_for_list(db.session, page.items))
    return render_template(
        "review/index.html",
        campaign=campaign,
        letter=letter,
        filters=filters,
        page=page,
        counts=counts,
        on_letter=signon_services.on_letter_count(db.session, letter),
        chart=daily_bars_svg(
            figures.per_day,
            title="Sign-ons per day, by the day each organization signed",
        ),
        version_numbers=version_numbers,
        material_number=material,
        bulk_form=BulkApproveForm(),
        approve_form=ApproveForm(),
        Level=Level,
        SignOnStatus=SignOnStatus,
        SignOnSource=SignOnSource,
        state_choices=STATE_CHOICES,
        can_approve=lambda s: (
            services.can_move(s, SignOnStatus.APPROVED)
            and not (letter.requires_verification and s.verification is None)
        ),
        verified_counts={"yes": figures.verified, "no": counts.counted - figures.verified},
        settings_form=VerificationSettingsForm(),
        domain_check=lambda s: domains.check(s.signer_email, s.website),
    )


@bp.post(BASE + "/bulk-approve")
@coordinator_required
def bulk_approve(campaign_slug: str, letter_id: int):
    """Approve confirmed sign-ons: all, those matching the filters, or those ticked. A first
    POST shows what it will do (counts, what is left out and why, the probable duplicates
    to tick); the POST from that page approves."""
    campaign, letter = load(campaign_slug, letter_id)
    form = BulkApproveForm()
    material = latest_material_number(db.session, letter)
    filters = queries.SignOnFilters.from_args(request.form, material_number=material)
    filters = queries.with_search(db.session, filters)  # the rows the list showed
    if not form.validate_on_submit():
        flash("Choose which sign-ons to approve.", "danger")
        return redirect(list_url(campaign, letter, **filters.as_args()))
    ids = None
    if form.scope.data == "selected":
        ids = [i for v in request.form.getlist("ids") if (i := parse_id(v)) is not None]
        if not ids:
            flash("Tick the sign-ons to approve first.", "warning")
            return redirect(list_url(campaign, letter, **filters.as_args()))
    shown = filters
    if form.scope.data != "filtered":
        filters = queries.SignOnFilters(material_number=material)
    try:
        check_collecting(letter)
    except DomainError as err:
        flash(err.message, "danger")
        return redirect(list_url(campaign, letter, **shown.as_args()))
    choice = bulk.choose(db.session, letter, filters=filters, ids=ids)
    ticked = [i for v in request.form.getlist("flagged_ids") if (i := parse_id(v)) is not None]
    if form.confirmed.data == "1":
        if (form.expected.data, form.expected_flagged.data) == (
            str(len(choice.approvable)),
            str(len(choice.flagged)),
        ):
            n, choice = bulk.bulk_approve(
                db.session, letter, actor=current_user, filters=filters, ids=ids, flagged=ticked
            )
            db.session.commit()
            flash(_approved_message(n, choice, set(ticked)), "success")
            return redirect(list_url(campaign, letter, **shown.as_args()))
        changed = True
    else:
        changed = False
        if ids is not None:  # ticked on the list: a flagged one ticked there stays ticked
            ticked = ids
    return render_template(
        "review/bulk_confirm.html",
        campaign=campaign,
        letter=letter,
        form=form,
        choice=choice,
        ids=ids or [],
        ticked=set(ticked),
        filters=shown,
        changed=changed,
        reconfirm_url=list_url(campaign, letter, reconfirm="1"),
    ), (409 if changed else 200)


def _approved_message(n: int, choice: bulk.BulkChoice, ticked: set[int]) -> str:
    """What a bulk approval did and what it left out, and why."""
    parts = [f"{n} sign-on{'' if n == 1 else 's'} approved."]
    if choice.reconsent:
        parts.append(
            f"{choice.reconsent} left out: they signed an earlier text and have not re-confirmed."
        )
    if choice.unverified:
        parts.append(f"{choice.unverified} skipped: not verified.")
    left = sum(1 for f in choice.flagged if f.id not in ticked)
    if left:
        parts.append(f"{left} probable duplicate{'' if left == 1 else 's'} left out (not ticked).")
    return " ".join(parts)
