"""Fixtures for the security tests: objects every route argument can point at."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from campaign.auth.models import Role
from tests.demands.factories import create_demand_row, create_evidence_record
from tests.letters.factories import make_letter
from tests.responses.factories import make_response
from tests.review.factories import make_signon


@dataclass
class World:
    """Values for route arguments; ``by_prefix`` overrides them for some endpoints."""

    values: dict[str, object]
    by_prefix: dict[str, dict[str, object]] = field(default_factory=dict)

    def args_for(self, endpoint: str) -> dict[str, object]:
        out = dict(self.values)
        for prefix, values in self.by_prefix.items():
            if endpoint.startswith(prefix):
                out.update(values)
        return out


@pytest.fixture
def world(session, make_campaign, make_user) -> World:
    campaign = make_campaign(name="Matrix campaign")
    target = make_user(role=Role.MEMBER)
    letter = make_letter(session, campaign=campaign)
    demand = create_demand_row(session, campaign=campaign, with_evidence=True)
    record = create_evidence_record(session)
    signon = make_signon(session, letter)
    upload = _csv_upload(session, letter, target)
    # a pending response (a member's, to the letter), so approve/reject have work to do
    response = make_response(session, letter=letter)
    org_id, contact_id = _directory(session, signon)
    target_id, channel_id, set_id = _targets(session, target)
    return World(
        values={
            "slug": campaign.slug,
            "campaign_slug": campaign.slug,
            "user_id": target.id,
            "filename": "app.css",
            "letter_id": letter.id,
            "signon_id": signon.id,
            "upload_id": upload.id,
            "token": "not-a-real-token",
            "demand_id": demand.id,
            "evidence_id": record.id,
            "record_id": record.id,
            "attachment_id": 1,
            "action": "dismiss",
            "agency_id": demand.agency_id,
            "snapshot_id": 1,
            "proposal_id": 1,
            "response_id": response.id,
            "org_id": org_id,
            "contact_id": contact_id,
            "event_id": 1,
            "kind": "pdf",
            "delivery_id": 1,
            "claim_id": 1,
            "sha256": "0" * 64,
            "target_id": target_id,
            "channel_id": channel_id,
            "set_id": set_id,
            "row_id": demand.id,
            "anything": "nothing-here",
            "token_id": 1,
            "sub_id": 1,
            "secret": "not-a-real-secret",
            "correction_id": 1,
            "what": "apply",
        },
        # the public pages take the letter's own public slug
        by_prefix={
            "signons.": {"slug": letter.slug},
            "manage.": {"slug": letter.slug},
            "responses.review_attachment": {"action": "approve"},
            "webhooks.act": {"action": "test"},
        },
    )


def _targets(session, actor):
    from campaign.targets.services import add_channel, save_target
    from campaign.targets.sets import Criteria, save_set

    target = save_target(session, None, name="Matrix office", title="", body="ice",
                         organization="", agency=None, note="", actor=actor)  # fmt: skip
    channel = add_channel(session, target, kind="email", address="m@ice.example.gov", actor=actor)
    target_set = save_set(session, name="Matrix set", criteria=Criteria(state="TX"), actor=actor)
    session.commit()
    return target.id, channel.id, target_set.id


def _directory(session, signon):
    from campaign.directory.linking import link_signons

    link_signons(session, [signon])
    session.commit()
    return signon.organization_id, signon.contact_id


def _csv_upload(session, letter, actor):
    from campaign.review.mapping import store_upload

    data = b"Organization,State,Level\nMatrix Org,TX,State\n"
    upload = store_upload(session, letter, data, filename="matrix.csv", actor=actor)
    session.commit()
    return upload


def route_url(app, rule, world: World) -> str:
    """A URL for ``rule`` built from the world's values."""
    values = world.args_for(rule.endpoint)
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"{rule.endpoint}: no test value for {missing}; add it to world()"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
