"""The review blueprint and what its views share: loading the letter and a sign-on."""

from __future__ import annotations

from flask import Blueprint, abort, url_for

from campaign import db
from campaign.campaigns.views import get_campaign_or_404
from campaign.letters.views import get_letter_or_404
from campaign.review import queries
from campaign.signons.models import SignOn

bp = Blueprint("review", __name__)
BASE = "/campaigns/<campaign_slug>/letters/<int:letter_id>/signons"


# Sections other features add to a sign-on's page (``campaign.manage``: the signer's
# corrections), each ``section(campaign, letter, signon) -> Markup``; registered in
# ``campaign.create_app`` so that review never imports the features above it.
DETAIL_SECTIONS: list = []


def register_detail_section(section) -> None:
    """Add a section to every sign-on's page (once)."""
    if section not in DETAIL_SECTIONS:
        DETAIL_SECTIONS.append(section)


def load(campaign_slug: str, letter_id: int):
    """The campaign and its letter, or 404."""
    campaign = get_campaign_or_404(campaign_slug)
    return campaign, get_letter_or_404(campaign, letter_id)


def signon_or_404(letter, signon_id: int) -> SignOn:
    """One sign-on of the letter, with what its page shows loaded, or 404."""
    signon = queries.signon_for_page(db.session, letter, signon_id)
    if signon is None:
        abort(404)
    return signon


def list_url(campaign, letter, **args) -> str:
    """The sign-on list of the letter, with query-string ``args`` (filters)."""
    return url_for("review.index", campaign_slug=campaign.slug, letter_id=letter.id, **args)
