"""The campaign's webhooks page: coordinators only, the secret shown once, a test event, the
delivery log, pause, resume, delete."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaign.core.errors import DomainError
from campaign.webhooks import services
from campaign.webhooks.models import WebhookDelivery, WebhookSubscription
from campaign.webhooks.worker import deliver_due
from tests.servers import webhook_receiver

SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{40,}")


def test_coordinators_subscribe_and_see_the_secret_once(session, login_as, make_campaign):
    campaign = make_campaign()
    slug = campaign.slug
    page = f"/campaigns/{slug}/webhooks"
    assert login_as("member").get(page).status_code == 403
    coordinator = login_as("coordinator")
    assert "webhooks" in coordinator.get(f"/campaigns/{slug}").get_data(as_text=True)
    bad = coordinator.post(
        page, data={"url": "ftp://example.org/x", "events": ["signature.confirmed"]}
    )
    assert bad.status_code == 400 and "https://" in bad.get_data(as_text=True)
    none = coordinator.post(page, data={"url": "https://example.org/x"})
    assert none.status_code == 400
    made = coordinator.post(
        page,
        data={
            "url": "http://127.0.0.1:9/hook",
            "events": ["signature.confirmed", "response.approved"],
        },
    )
    assert made.status_code == 200
    secret = SECRET.search(made.get_data(as_text=True)).group(0)
    assert made.headers["Cache-Control"] == "no-store"
    sub = session.scalar(sa.select(WebhookSubscription))
    assert sub.secret == secret and sub.events == "signature.confirmed response.approved"
    again = coordinator.get(page).get_data(as_text=True)
    assert secret not in again and "http://127.0.0.1:9/hook" in again


def test_production_refuses_internal_addresses(session, make_campaign, make_user):
    from campaign.auth.models import Role

    campaign, actor = make_campaign(), make_user(role=Role.COORDINATOR)
    for url in ("http://127.0.0.1/hook", "http://localhost:8080/", "http://192.168.1.5/x"):
        with pytest.raises(DomainError):
            services.create_subscription(
                session,
                campaign,
                url=url,
                events=["signature.confirmed"],
                description="",
                actor=actor,
                allow_private=False,
            )


def test_test_event_log_pause_resume_delete(
    tmp_path, session, login_as, subscribe, worker_sessions, settings
):
    with webhook_receiver(tmp_path, "200") as receiver:
        hooked = subscribe(receiver.url)
        coordinator = login_as("coordinator")
        base = f"/campaigns/{hooked.campaign_slug}/webhooks/{hooked.subscription_id}"
        assert coordinator.post(f"{base}/test").status_code == 302
        assert deliver_due(worker_sessions, settings) == (1, 0)
        [request] = receiver.requests()
        assert request["headers"]["X-Campaign-Event"] == "webhook.test"
    log = coordinator.get(base).get_data(as_text=True)
    assert "webhook.test" in log and "200" in log and " ms" in log
    assert coordinator.post(f"{base}/pause").status_code == 302
    session.expire_all()
    assert session.get(WebhookSubscription, hooked.subscription_id).paused_at is not None
    refused = coordinator.post(f"{base}/test", follow_redirects=True).get_data(as_text=True)
    assert "Resume the subscription first" in refused
    assert coordinator.post(f"{base}/resume").status_code == 302
    session.expire_all()
    assert session.get(WebhookSubscription, hooked.subscription_id).paused_at is None
    other = login_as("member")
    assert other.post(f"{base}/delete").status_code == 403
    assert coordinator.post(f"{base}/delete").status_code == 302
    session.expire_all()
    assert session.get(WebhookSubscription, hooked.subscription_id) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 0
