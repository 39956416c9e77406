"""Fixtures for the security tests: objects every route argument can point at."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from campaign.auth.models import Role


@dataclass
class World:
    """Objects every route argument can point at."""

    values: dict[str, object]


@pytest.fixture
def world(make_campaign, make_user) -> World:
    campaign = make_campaign(name="Matrix campaign")
    target = make_user(role=Role.MEMBER)
    return World(values={"slug": campaign.slug, "user_id": target.id, "filename": "app.css"})


def route_url(app, rule, world: World) -> str:
    missing = [arg for arg in rule.arguments if arg not in world.values]
    assert not missing, f"{rule.endpoint}: no test value for {missing}; add it to world()"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: world.values[a] for a in rule.arguments})
