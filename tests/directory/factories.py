"""Directory fixtures: sign-ons linked the way the app links them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaign.directory.linking import link_signons
from campaign.signons.models import SignOn
from tests.review.factories import make_signon


def linked_signon(session: Session, letter, **kw) -> SignOn:
    """A sign-on (as ``make_signon``) linked to its organization and contact, committed."""
    signon = make_signon(session, letter, **kw)
    link_signons(session, [signon])
    session.commit()
    return signon
