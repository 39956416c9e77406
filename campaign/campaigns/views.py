"""Campaign pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from campaign import db
from campaign.auth.access import coordinator_required, member_required
from campaign.campaigns import coalition as coalitions
from campaign.campaigns.forms import CampaignForm, CoalitionForm
from campaign.campaigns.models import Campaign, CoalitionSettings
from campaign.campaigns.services import create_campaign, update_campaign
from campaign.core.errors import DomainError
from campaign.core.forms import apply_domain_error
from campaign.uploads.store import send_stored, store_for

bp = Blueprint("campaigns", __name__)

# Sections other features add to a campaign's page: each callable takes the
# campaign and returns (template name, context) or None to show nothing.
SectionProvider = Callable[[Campaign], tuple[str, dict[str, Any]] | None]
_sections: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> None:
    """Add a section to the campaign page (called from create_app, once per provider)."""
    if provider not in _sections:
        _sections.append(provider)


def get_campaign_or_404(slug: str) -> Campaign:
    """The campaign with this slug, or a 404."""
    return db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug)) or abort(404)


@bp.route("/")
def home():
    """Logged-in users land on the campaign list; others on the login page."""
    if current_user.is_authenticated:
        return redirect(url_for("campaigns.index"))
    return redirect(url_for("auth.login"))


@bp.route("/campaigns")
@member_required
def index():
    """Every campaign, newest first."""
    rows = db.session.scalars(sa.select(Campaign).order_by(Campaign.created_at.desc())).all()
    return render_template("campaigns/index.html", campaigns=rows)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@coordinator_required
def new():
    """Create a campaign."""
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = create_campaign(
                db.session,
                name=form.name.data,
                description=form.description.data or "",
                slug=form.slug.data or None,
                actor=current_user,
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash(f"Campaign “{campaign.name}” created.", "success")
            return redirect(url_for("campaigns.detail", slug=campaign.slug))
    return render_template("campaigns/new.html", form=form), 400 if form.errors else 200


@bp.route("/campaigns/<slug>")
@member_required
def detail(slug: str):
    """One campaign."""
    campaign = get_campaign_or_404(slug)
    sections = [s for s in (provider(campaign) for provider in _sections) if s is not None]
    return render_template("campaigns/detail.html", campaign=campaign, sections=sections)


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(slug: str):
    """Edit a campaign's name and description."""
    campaign = get_campaign_or_404(slug)
    form = CampaignForm(obj=campaign)
    del form.slug
    if form.validate_on_submit():
        update_campaign(
            db.session,
            campaign,
            name=form.name.data,
            description=form.description.data or "",
            actor=current_user,
        )
        db.session.commit()
        flash("Campaign saved.", "success")
        return redirect(url_for("campaigns.detail", slug=campaign.slug))
    status = 400 if form.errors else 200
    return render_template("campaigns/edit.html", form=form, campaign=campaign), status


@bp.route("/settings/coalition", methods=["GET", "POST"])
@coordinator_required
def coalition_settings():
    """The instance's coalition: what every campaign shows unless it names its own."""
    settings = coalitions.instance_settings(db.session)
    return _coalition_page(settings, None)


@bp.route("/campaigns/<slug>/coalition", methods=["GET", "POST"])
@coordinator_required
def coalition(slug: str):
    """A campaign's own coalition name, contact and logo (empty: the instance's)."""
    return _coalition_page(get_campaign_or_404(slug), get_campaign_or_404(slug))


def _coalition_page(target: Campaign | CoalitionSettings, campaign: Campaign | None):
    """The settings form, for the instance or for one campaign."""
    if campaign is not None:
        form = CoalitionForm(
            data={"name": campaign.coalition_name, "contact_email": campaign.coalition_email}
        )
        logo = campaign.coalition_logo_sha256
        inherited = coalitions.instance_coalition(db.session)
        back = url_for("campaigns.detail", slug=campaign.slug)
    else:
        form = CoalitionForm(obj=target)
        logo, inherited, back = target.logo_sha256, None, url_for("campaigns.index")
    if form.validate_on_submit():
        try:
            coalitions.update_coalition(
                db.session,
                target,
                name=form.name.data or "",
                contact_email=form.contact_email.data or "",
                logo=form.logo_bytes(),
                remove_logo=form.remove_logo.data,
                store=store_for(current_app),
                actor=current_user,
            )
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
        else:
            db.session.commit()
            flash("Coalition settings saved.", "success")
            return redirect(back)
    shown = coalitions.coalition_of(db.session, campaign.id) if campaign else None
    return render_template(
        "campaigns/coalition.html",
        form=form,
        campaign=campaign,
        logo=logo,
        inherited=inherited,
        shown=shown or coalitions.instance_coalition(db.session),
        back=back,
    ), 400 if form.errors else 200


@bp.route("/coalition/logo/<sha256>")
def coalition_logo(sha256: str):
    """A coalition logo, for the public pages (no other stored file is served here)."""
    kind = coalitions.coalition_logo_kind(db.session, sha256)
    if kind is None:
        abort(404)
    return send_stored(store_for(current_app), sha256, kind=kind, download_name="logo")
