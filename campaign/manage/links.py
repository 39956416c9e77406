"""Absolute manage links, on CAMPAIGN_BASE_URL (never the request's Host)."""

from __future__ import annotations

from campaign.core.urls import external_url


def manage_url(letter, token: str) -> str:
    """The manage page of the sign-on whose manage token is ``token``."""
    return external_url("manage.page", slug=letter.slug, token=token)


def manage_link_for(letter):
    """A ``LinkFor`` building manage links (the token is the manage token)."""

    def link(_signon, token: str) -> str:
        return manage_url(letter, token)

    return link
