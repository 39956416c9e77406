"""Every event is queued where it happens, once per subscription, its payload the API's
own representation; nothing for a campaign without subscribers, paused or not listening."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from campaign.auth.models import Role, User
from campaign.demands.models import DemandStatus
from campaign.demands.services import transition_demand
from campaign.letters.models import Letter
from campaign.responses.services import approve_response
from campaign.review import bulk
from campaign.review import services as review
from campaign.signons.models import SignOn, SignOnStatus
from campaign.webhooks.models import WebhookDelivery, WebhookSubscription
from tests import factories
from tests.api.helpers import check
from tests.delivery.factories import delivery_form, send, url
from tests.demands.factories import create_demand_row
from tests.responses.factories import make_response
from tests.review.factories import bulk_signons, make_signon


def queued(session) -> list[tuple[str, str, dict]]:
    """(event, rel, resource) of every queued delivery, oldest first."""
    session.expire_all()
    out = []
    for delivery in session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)):
        [item] = json.loads(delivery.body)
        assert item["coalition:event"] == delivery.event
        assert item["idempotency_key"] == delivery.idempotency_key
        rel = next(k for k in item if ":" in k and k != "coalition:event")
        out.append((delivery.event, rel, item[rel]))
    return out


def test_a_coordinators_decisions_queue_approved_and_withdrawn(app, session, subscribe):
    hooked = subscribe("http://127.0.0.1:9/hook")
    letter = session.get(Letter, hooked.letter_id)
    actor = session.get(User, hooked.coordinator_id)
    signon = make_signon(session, letter, status=SignOnStatus.CONFIRMED)
    with app.app_context():  # (payload links are built on CAMPAIGN_BASE_URL)
        review.approve(session, signon, letter, actor=actor)
        review.withdraw(session, signon, letter, asked_on=date.today(), actor=actor)
        session.commit()
    got = queued(session)
    assert [(e, r) for e, r, _ in got] == [
        ("signature.approved", "osdi:signature"), ("signature.withdrawn", "osdi:signature"),
    ]  # fmt: skip
    for _, _, doc in got:
        check(doc, "signature")
    assert [doc["coalition:status"] for _, _, doc in got] == ["approved", "withdrawn"]


def test_a_bulk_approval_queues_one_event_per_sign_on(app, session, subscribe):
    hooked = subscribe("http://127.0.0.1:9/hook", ["signature.approved"])
    letter = session.get(Letter, hooked.letter_id)
    bulk_signons(session, letter, 30)
    confirmed = set(session.scalars(
        sa.select(SignOn.id).where(SignOn.letter_id == letter.id,
                                   SignOn.status == SignOnStatus.CONFIRMED)))  # fmt: skip
    with app.app_context():
        n, _ = bulk.bulk_approve(session, letter, actor=session.get(User, hooked.coordinator_id))
        session.commit()
    got = queued(session)
    assert n == 10 and len(got) == 10
    assert {doc["identifiers"][0] for _, _, doc in got} == {f"campaign:{i}" for i in confirmed}
    assert {doc["coalition:status"] for _, _, doc in got} == {"approved"}


def test_delivery_demand_moves_and_approved_responses_are_queued(app, session, subscribe, login_as):
    hooked = subscribe("http://127.0.0.1:9/hook")
    letter = session.get(Letter, hooked.letter_id)
    actor = session.get(User, hooked.coordinator_id)
    campaign = letter.campaign_id
    from campaign.campaigns.models import Campaign

    demand = create_demand_row(session, campaign=session.get(Campaign, campaign),
                               with_evidence=True, actor=actor)  # fmt: skip
    with app.app_context():
        transition_demand(session, demand, DemandStatus.SENT, reason="Mailed", actor=actor)
        session.commit()
        response = make_response(session, demand=demand)
        pending = make_response(session, letter=letter)
        approve_response(session, pending, actor=actor)
        session.commit()
    assert response.status.value == "pending" or response.status.value == "approved"
    coordinator = login_as("coordinator")
    make_signon(session, session.get(Letter, hooked.letter_id), status=SignOnStatus.APPROVED)
    answer = send(coordinator, url(session.get(Letter, hooked.letter_id), "/send"), delivery_form())
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    got = queued(session)
    kinds = [(e, r) for e, r, _ in got]
    assert ("demand.status_changed", "coalition:demand") in kinds
    assert ("response.approved", "coalition:response") in kinds
    assert ("petition.delivered", "osdi:petition") in kinds
    for event, _, doc in got:
        schema = {"demand.status_changed": "demand", "response.approved": "response",
                  "petition.delivered": "petition"}.get(event)  # fmt: skip
        if schema:
            check(doc, schema)
    delivered = next(doc for e, _, doc in got if e == "petition.delivered")
    assert delivered["coalition:status"] == "sent"
    moved = next(doc for e, _, doc in got if e == "demand.status_changed")
    assert moved["coalition:status"] == "sent"


def test_nothing_is_queued_without_a_listening_running_subscription(app, session, subscribe):
    hooked = subscribe("http://127.0.0.1:9/hook", ["petition.delivered"])
    letter = session.get(Letter, hooked.letter_id)
    actor = session.get(User, hooked.coordinator_id)
    signon = make_signon(session, letter, status=SignOnStatus.CONFIRMED)
    with app.app_context():
        review.approve(session, signon, letter, actor=actor)  # not listened to
        session.commit()
    assert queued(session) == []
    session.get(WebhookSubscription, hooked.subscription_id).events = "signature.withdrawn"
    session.get(WebhookSubscription, hooked.subscription_id).paused_at = sa.func.now()
    session.commit()
    with app.app_context():
        review.withdraw(session, signon, letter, asked_on=date.today(), actor=actor)  # paused
        session.commit()
    assert queued(session) == []


def test_every_subscription_gets_its_own_delivery_with_the_same_key(app, session, subscribe):
    hooked = subscribe("http://127.0.0.1:9/one")
    letter = session.get(Letter, hooked.letter_id)
    from campaign.campaigns.models import Campaign
    from campaign.webhooks import services

    services.create_subscription(
        session, session.get(Campaign, letter.campaign_id), url="http://127.0.0.1:9/two",
        events=["signature.approved"], description="", allow_private=True,
        actor=factories.create_user(session, role=Role.COORDINATOR),
    )  # fmt: skip
    signon = make_signon(session, letter, status=SignOnStatus.CONFIRMED)
    with app.app_context():
        review.approve(session, signon, letter, actor=session.get(User, hooked.coordinator_id))
        session.commit()
    rows = session.scalars(sa.select(WebhookDelivery)).all()
    assert len(rows) == 2 and len({r.subscription_id for r in rows}) == 2
    assert rows[0].idempotency_key == rows[1].idempotency_key
