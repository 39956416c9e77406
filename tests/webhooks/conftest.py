"""Fixtures of the webhook tests: a campaign with a letter and a subscription."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from campaign.auth.models import Role
from campaign.webhooks import services
from campaign.webhooks.events import EVENTS
from campaign.webhooks.worker import Settings
from tests import factories
from tests.api.conftest import api_as, make_token  # noqa: F401 (fixtures shared with the API tests)
from tests.letters.factories import make_letter


@dataclass
class Hooked:
    campaign_id: int
    campaign_slug: str
    letter_id: int
    letter_slug: str
    subscription_id: int
    secret: str
    coordinator_id: int


@pytest.fixture
def subscribe(session):
    """``subscribe(url, events=None)`` → a letter, and a subscription to every event (or
    ``events``) of its campaign."""

    def _subscribe(url: str, events: list[str] | None = None, **letter_kw) -> Hooked:
        coordinator = factories.create_user(session, role=Role.COORDINATOR)
        campaign = factories.create_campaign(session, actor=coordinator)
        letter = make_letter(session, campaign=campaign, **letter_kw)
        sub, secret = services.create_subscription(
            session, campaign, url=url, events=events or list(EVENTS), description="test",
            actor=coordinator, allow_private=True,
        )  # fmt: skip
        session.commit()
        return Hooked(campaign.id, campaign.slug, letter.id, letter.slug, sub.id, secret,
                      coordinator.id)  # fmt: skip

    return _subscribe


@pytest.fixture
def settings():
    """Worker settings for tests: loopback allowed, short timeouts."""
    return Settings(timeout=5.0, pause_after=3, allow_private=True)
